using System.Collections.Generic;
using Descent.Optimizers;

namespace Descent.Lab.Commands;

/// <summary>
/// The optimizers that <c>descent tour</c> compares. This table is the only place that names them: add, remove or
/// retune an entry here and the tour, its progress display and its results table follow.
/// </summary>
public static class TourOptimizers
{
    /// <summary>The optimizers in the order the tour runs and lists them, each at a learning rate usual for it on a small MLP.</summary>
    public static IReadOnlyList<TourOptimizer> All { get; } = new TourOptimizer[]
    {
        new("SGD (momentum 0.9)", 0.05, (parameters, lr) => new SGD(parameters, lr, momentum: 0.9)),
        new("Adam", 1e-3, (parameters, lr) => new Adam(parameters, lr)),
        new("AdamW (decay 0.01)", 1e-3, (parameters, lr) => new AdamW(parameters, lr, weight_decay: 0.01)),
        new("NAdam", 2e-3, (parameters, lr) => new NAdam(parameters, lr)),
        new("RMSprop", 1e-3, (parameters, lr) => new RMSprop(parameters, lr)),
        new("Lion", 3e-4, (parameters, lr) => new Lion(parameters, lr)),
        new("Adafactor", 1e-2, (parameters, lr) => new Adafactor(parameters, lr)),
    };
}
