namespace Descent.Lab.Training;

/// <summary>What a training run reports after each epoch.</summary>
/// <param name="Epoch">The epoch just finished, counting from 1.</param>
/// <param name="Epochs">The total number of epochs in the run.</param>
/// <param name="MeanLoss">The mean training loss over the epoch's batches, weighted by batch size.</param>
public readonly record struct EpochReport(int Epoch, int Epochs, double MeanLoss);
