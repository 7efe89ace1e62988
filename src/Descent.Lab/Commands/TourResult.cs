using System;

namespace Descent.Lab.Commands;

/// <summary>How one optimizer did in the tour.</summary>
/// <param name="Name">The optimizer's display name.</param>
/// <param name="LearningRate">The learning rate it trained with.</param>
/// <param name="TrainingLoss">The mean cross-entropy over the whole training part after the last epoch.</param>
/// <param name="TestAccuracy">The fraction of the held-out test part classified correctly.</param>
/// <param name="WallTime">The time spent training, excluding the final evaluation.</param>
public sealed record TourResult(
    string Name, double LearningRate, double TrainingLoss, double TestAccuracy, TimeSpan WallTime);
