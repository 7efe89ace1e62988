using System;
using System.Collections.Generic;
using System.Linq;

namespace Descent.Lab.Bench;

/// <summary>
/// One <c>descent bench</c> run: where it ran, what it measured, and the optional PyTorch timings to compare with.
/// The ratios (Descent/TorchSharp, Descent/PyTorch) are computed here, once, for the table and bench.json alike.
/// </summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="Settings">What it measured.</param>
/// <param name="Optimizers">The optimizers suite's result, if it ran.</param>
/// <param name="Orthogonalization">The orthogonalization suite's rows, if it ran.</param>
/// <param name="Curvature">The curvature suite's rows, if it ran.</param>
/// <param name="PyTorch">PyTorch's timings from <c>--compare</c>, if given.</param>
/// <param name="WallSeconds">The whole run's wall time.</param>
public sealed record BenchReport(MachineInfo Machine, BenchSettings Settings, OptimizerSuiteResult? Optimizers,
    IReadOnlyList<OrthogonalizationResult>? Orthogonalization, IReadOnlyList<CurvatureResult>? Curvature,
    PyTorchTimings? PyTorch, double WallSeconds)
{
    /// <summary>
    /// A Descent row's median over TorchSharp's built-in of the same family on the same model (below 1: Descent is
    /// faster); null for TorchSharp's own rows and for families TorchSharp lacks.
    /// </summary>
    public double? TorchSharpRatio(OptimizerResult row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (Optimizers is null || row.Implementation == OptimizerVariants.TorchSharp) {
            return null;
        }
        var builtIn = Optimizers.Rows.FirstOrDefault(r => r.Implementation == OptimizerVariants.TorchSharp
            && r.Family == row.Family && r.Tensors == row.Tensors && r.Parameters == row.Parameters);
        return builtIn is null ? null : row.Step.Median / builtIn.Step.Median;
    }

    /// <summary>PyTorch's median for the row's family and model, when a compare file gave one.</summary>
    public double? PyTorchSeconds(OptimizerResult row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return PyTorch?.MedianSeconds(row.Family, row.Tensors, row.Parameters);
    }

    /// <summary>The row's median over PyTorch's (below 1: faster than PyTorch), when the compare file has the case.</summary>
    public double? PyTorchRatio(OptimizerResult row) => PyTorchSeconds(row) is { } seconds ? row.Step.Median / seconds : null;
}
