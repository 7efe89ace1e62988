using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Descent.Lab.Bench;

/// <summary>
/// Times one step() of each optimizer implementation on synthetic models (<see cref="SyntheticParameters"/>): the
/// gradients are set once and never change, so only the optimizer runs. Each implementation gets a fresh optimizer
/// over the same parameters; warm-up steps create its state before any step is timed.
/// </summary>
public static class OptimizerSuite
{
    /// <summary>Runs the suite.</summary>
    /// <param name="settings">Models, implementations and timing.</param>
    /// <param name="progress">Receives a line after each measurement (optional).</param>
    public static OptimizerSuiteResult Run(OptimizerSuiteSettings settings, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var bandwidth = BandwidthProbe.Measure(settings.BandwidthElements, settings.Timing);
        progress?.Invoke(FormattableString.Invariant($"bandwidth {bandwidth.BytesPerSecond / 1e9:F2} GB/s ({bandwidth.Best.Name})"));
        var rows = new List<OptimizerResult>();
        foreach (var total in settings.ParameterTotals) {
            foreach (var tensors in settings.TensorCounts) {
                using var model = SyntheticParameters.Create(tensors, total, settings.Seed);
                foreach (var variant in settings.Variants) {
                    var row = Measure(variant, model, tensors, settings.Timing, bandwidth.BytesPerSecond);
                    rows.Add(row);
                    progress?.Invoke(FormattableString.Invariant(
                        $"{row.Name}, {tensors} tensors, {BenchFormat.Count(total)} parameters: {row.Step.Median * 1e3:F3} ms ({row.Step.Repeats} steps)"));
                }
            }
        }
        return new OptimizerSuiteResult(bandwidth, rows);
    }

    private static OptimizerResult Measure(OptimizerVariant variant, SyntheticParameters model, int tensors, BenchTiming timing, double bytesPerSecond)
    {
        var optimizer = variant.Create(model.Parameters);
        try {
            var step = BenchTimer.Measure(() => {
                // A scope per step, as in a training loop: temporaries an implementation leaves behind are freed
                // here, inside the timed call, instead of piling up for the garbage collector.
                using var scope = NewDisposeScope();
                optimizer.step();
            }, timing);
            var floor = OptimizerByteModel.FloorSeconds(variant.Family, model.Count, bytesPerSecond);
            return new OptimizerResult(variant.Family, variant.Implementation, tensors, model.Count, step,
                OptimizerStateBytes.Of(optimizer), floor);
        } finally {
            (optimizer as IDisposable)?.Dispose();
        }
    }
}
