using System;

namespace Descent.Lab.Training;

/// <summary>How a minibatch training run goes: how long, in what batches, and the seed of the batch order.</summary>
public sealed record TrainingSettings
{
    /// <summary>Describes a run.</summary>
    /// <param name="epochs">Full passes over the training data (at least 1).</param>
    /// <param name="batchSize">Examples per step (at least 1); the last batch of an epoch may be smaller.</param>
    /// <param name="seed">The seed of the shuffles that order each epoch's batches.</param>
    public TrainingSettings(int epochs, int batchSize, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Epochs = epochs;
        BatchSize = batchSize;
        Seed = seed;
    }

    /// <summary>Full passes over the training data.</summary>
    public int Epochs { get; }

    /// <summary>Examples per optimizer step; the last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; }

    /// <summary>The seed of the shuffles that order each epoch's batches.</summary>
    public ulong Seed { get; }

    /// <summary>The number of optimizer steps in one epoch over <paramref name="exampleCount"/> examples.</summary>
    /// <param name="exampleCount">The size of the training data.</param>
    /// <returns>The number of batches, counting a final partial one.</returns>
    public int BatchesPerEpoch(int exampleCount) => (exampleCount + BatchSize - 1) / BatchSize;
}
