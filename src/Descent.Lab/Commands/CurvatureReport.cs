using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Curvature;
using Descent.Lab.Bench;
using Descent.Lab.Data;
using Descent.Lab.Models;
using Descent.Lab.Training;
using Descent.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Descent.Lab.Commands;

/// <summary>
/// The measurements behind <c>descent curvature</c>: the digits MLP after a few epochs of Adam, its sharpness measures
/// estimated and exact (the Hessian is small enough to form), the cost of an HVP relative to a gradient, and the
/// error of Hutchinson vs Hutch++ at equal numbers of HVPs.
/// </summary>
public sealed class CurvatureReport
{
    /// <summary>Dimension d of the measured parameters.</summary>
    public long Dimension { get; private init; }

    /// <summary>Adam's learning rate, for the 38/η reference line of the adaptive edge of stability.</summary>
    public double LearningRate { get; private init; }

    /// <summary>Measure rows: name, estimate, standard error (or residual), exact value (NaN when not formed), matvecs.</summary>
    public IReadOnlyList<(string Name, double Estimate, double Error, double Exact, long MatVecs)> Rows { get; private init; } = Array.Empty<(string, double, double, double, long)>();

    /// <summary>Median wall time of one gradient and of one HVP, in milliseconds.</summary>
    public (double Gradient, double Hvp) MedianMilliseconds { get; private init; }

    /// <summary>The HVP/gradient time ratio.</summary>
    public double HvpToGradientRatio => MedianMilliseconds.Hvp / MedianMilliseconds.Gradient;

    /// <summary>Hutchinson vs Hutch++ at equal matvecs.</summary>
    public TraceErrorReport? TraceErrors { get; private init; }

    /// <summary>Trains, measures and times; deterministic except for the timings.</summary>
    public static CurvatureReport Measure(CurvatureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var threads = TorchThreads.Pin(settings.Threads);
        using var split = Digits.LoadSplit((ulong)settings.Seed);
        using var model = new Mlp(Digits.FeatureCount, settings.Hidden, Digits.ClassCount, (ulong)settings.Seed);
        const double lr = 1e-3;
        using var adam = new Adam(model.parameters(), lr);
        if (settings.Epochs > 0) {
            MinibatchTrainer.Train(model, adam, split.Train, new TrainingSettings(settings.Epochs, 32, (ulong)settings.Seed));
        }
        var count = Math.Min(settings.Examples, split.Train.Count);
        var objective = Objective.ForModel(model, (o, t) => nn.functional.cross_entropy(o, t),
            split.Train.Features[..count], split.Train.Labels[..count]);
        var hessian = objective.Hessian();

        using var dense = ExactHessian.Of(hessian);
        using var eigenvalues = linalg.eigvalsh(dense.to(ScalarType.Float64));
        var exactDiagonal = dense.diagonal().to(ScalarType.Float64);
        var estimates = Sharpness.Measure(objective, settings.Probes, seed: 0);
        using var top = Lanczos.Run(hessian, 1, seed: 0);
        using var bottom = Lanczos.Run(hessian, 1, EigenvalueSelection.SmallestAlgebraic, seed: 0);
        // Adam's preconditioner exists only after its first step.
        using var adaptive = settings.Epochs > 0 ? PreconditionedSharpness.Measure(objective, adam, seed: 0) : null;
        var rows = new List<(string, double, double, double, long)> {
            ("loss", objective.Loss(), double.NaN, double.NaN, 0),
            ("tr(H)", estimates.Trace.Value, estimates.Trace.StandardError, exactDiagonal.sum().ToDouble(), estimates.MatVecs),
            ("tr(Diag(H)^1/2)", estimates.TraceSqrtDiagonal.Value, estimates.TraceSqrtDiagonal.StandardError,
                exactDiagonal.clamp_min(0).sqrt().sum().ToDouble(), estimates.MatVecs),
            ("λmax(H)", top.Eigenvalues[0], top.Residuals[0], eigenvalues.max().ToDouble(), top.MatVecs),
            ("λmin(H)", bottom.Eigenvalues[0], bottom.Residuals[0], eigenvalues.min().ToDouble(), bottom.MatVecs),
        };
        if (adaptive is not null) {
            rows.Add(("λmax(P⁻¹H), Adam", adaptive.Value, adaptive.Residual, double.NaN, adaptive.MatVecs));
        }
        var budget = settings.Budget;
        return new CurvatureReport {
            Dimension = objective.Dimension,
            LearningRate = lr,
            Rows = rows,
            MedianMilliseconds = Time(objective, settings.Repeats),
            TraceErrors = TraceErrorReport.Measure(new MatrixOperator(dense), budget, settings.Seeds, exactTrace: rows[1].Item4),
        };
    }

    // Medians of repeated gradient and HVP timings on the same objective, after one warm-up each (bench's timer).
    private static (double, double) Time(Objective objective, int repeats)
    {
        var timing = new BenchTiming(Warmup: 1, Repeats: repeats, MinRepeats: repeats, BudgetSeconds: double.PositiveInfinity);
        var (gradient, hvps) = CurvatureSuite.Time(objective, timing, new[] { HvpMethod.DoubleBackward });
        return (gradient.Median * 1e3, hvps[0].Hvp.Median * 1e3);
    }
}
