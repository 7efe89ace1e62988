using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;

namespace Descent.Lab.Commands;

/// <summary>One optimizer in the tour: its display name, its learning rate and how to build it.</summary>
/// <param name="Name">The name shown in the progress display and the results table.</param>
/// <param name="LearningRate">The learning rate the tour trains with.</param>
/// <param name="Create">Builds the optimizer for the given parameters and learning rate.</param>
public sealed record TourOptimizer(
    string Name,
    double LearningRate,
    Func<IEnumerable<Parameter>, double, torch.optim.Optimizer> Create);
