using System.Collections.Generic;
using TorchSharp;

namespace Descent.Lab.Commands;

/// <summary>
/// The optimizers that <c>descent tour</c> compares. This table is the only place that names them: add, remove or
/// retune an entry here and the tour, its progress display and its results table follow.
/// </summary>
public static class TourOptimizers
{
    /// <summary>The optimizers in the order the tour runs and lists them.</summary>
    /// <remarks>
    /// For now these are TorchSharp's built-ins, each at a learning rate that is usual for it on a small MLP;
    /// Descent's own optimizers take their places as they land.
    /// </remarks>
    public static IReadOnlyList<TourOptimizer> All { get; } = new TourOptimizer[]
    {
        new("SGD (momentum 0.9)", 0.05, (parameters, lr) => torch.optim.SGD(parameters, lr, momentum: 0.9)),
        new("Adam", 1e-3, (parameters, lr) => torch.optim.Adam(parameters, lr)),
        // TorchSharp's AdamW defaults weight_decay to 0, which would make it Adam; 0.01 is PyTorch's default.
        new("AdamW (decay 0.01)", 1e-3, (parameters, lr) => torch.optim.AdamW(parameters, lr, weight_decay: 0.01)),
        new("RMSProp", 1e-3, (parameters, lr) => torch.optim.RMSProp(parameters, lr)),
    };
}
