using System;
using System.Collections.Generic;
using Descent.Orthogonalization;
using static TorchSharp.torch;

namespace Descent.Lab.Bench;

/// <summary>
/// Times Muon's Newton–Schulz (<see cref="NewtonSchulz.Muon"/>: Keller's quintic, 5 iterations, Frobenius
/// pre-normalization) against the matrix products it cannot avoid: per iteration A = X·Xᵀ, A·A and (·)·X on the
/// wide orientation of the input, in the compute dtype, computed exactly as the iteration computes them (its
/// workspace's products: in place, or batched for batches of small matrices). The ratio is what the rest (dtype
/// conversions, the norm, the scalings and sums, transposes, the final copy) adds.
/// </summary>
public static class OrthogonalizationSuite
{
    // Calls of both sides before timing either (see Run); the timer's own warm-up follows.
    private const int SharedWarmup = 10;

    /// <summary>Runs the suite.</summary>
    /// <param name="settings">Shapes, batches, dtype and timing.</param>
    /// <param name="progress">Receives a line after each measurement (optional).</param>
    public static IReadOnlyList<OrthogonalizationResult> Run(OrthogonalizationSuiteSettings settings, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var newtonSchulz = NewtonSchulz.Muon(settings.ComputeType);
        var rows = new List<OrthogonalizationResult>();
        foreach (var (m, n) in settings.Shapes) {
            foreach (var batch in settings.Batches) {
                using var generator = new Generator(settings.Seed);
                using var input = randn(new[] { batch, m, n }, dtype: ScalarType.Float32, generator: generator);
                // The products see the matrix the iteration sees: wide (the Gram matrix is the smaller side), in the
                // compute dtype; the conversion itself is part of Newton–Schulz's overhead, so it is done up front.
                var (side, length) = (Math.Min(m, n), Math.Max(m, n));
                using var work = new NewtonSchulzWorkspace(batch, side, length, settings.ComputeType, input.device);
                using (var wide = m > n ? input.transpose(-2, -1) : input.alias()) {
                    work.X.copy_(wide);
                }
                work.GramProduct();
                work.Scaled.copy_(work.Gram);
                for (var i = 0; i < SharedWarmup; i++) {
                    newtonSchulz.Orthogonalize(input).Dispose();
                    Products(work, newtonSchulz.Steps);
                }
                var ns = BenchTimer.Measure(() => newtonSchulz.Orthogonalize(input).Dispose(), settings.Timing);
                var products = BenchTimer.Measure(() => Products(work, newtonSchulz.Steps), settings.Timing);
                var row = new OrthogonalizationResult(m, n, batch, settings.ComputeType.ToString(), 3 * newtonSchulz.Steps, ns, products);
                rows.Add(row);
                progress?.Invoke(FormattableString.Invariant(
                    $"Newton–Schulz {m}×{n} ×{batch}: {ns.Median * 1e3:F3} ms, products {products.Median * 1e3:F3} ms"));
            }
        }
        return rows;
    }

    // The iteration's three products per step, X·Xᵀ, A·A and B·X, with X held fixed: the same shapes and count.
    private static void Products(NewtonSchulzWorkspace work, int steps)
    {
        for (var k = 0; k < steps; k++) {
            work.GramProduct();
            work.PolynomialProduct();
            work.NextProduct();
        }
    }
}
