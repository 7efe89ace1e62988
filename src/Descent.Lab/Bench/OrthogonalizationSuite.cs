using System;
using System.Collections.Generic;
using Descent.Orthogonalization;
using static TorchSharp.torch;

namespace Descent.Lab.Bench;

/// <summary>
/// Times Muon's Newton–Schulz (<see cref="NewtonSchulz.Muon"/>: Keller's quintic, 5 iterations, Frobenius
/// pre-normalization) against the matrix products it cannot avoid: per iteration A = X·Xᵀ, A·A and (·)·X on the
/// wide orientation of the input, in the compute dtype. The ratio is what the rest (dtype conversions, the norm, the
/// scalings and sums, transposes, the final copy) adds.
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
                using var wide = (m > n ? input.transpose(-2, -1) : input).to(settings.ComputeType).contiguous();
                // libtorch builds its bf16 matrix-product kernels per shape over the first several calls (here about
                // ten calls ran up to 2.5× slow); both sides share the shapes, so both are warmed before either is
                // timed, or the one timed first would pay for the other.
                for (var i = 0; i < SharedWarmup; i++) {
                    newtonSchulz.Orthogonalize(input).Dispose();
                    Products(wide, newtonSchulz.Steps);
                }
                var ns = BenchTimer.Measure(() => newtonSchulz.Orthogonalize(input).Dispose(), settings.Timing);
                var products = BenchTimer.Measure(() => Products(wide, newtonSchulz.Steps), settings.Timing);
                var row = new OrthogonalizationResult(m, n, batch, settings.ComputeType.ToString(), 3 * newtonSchulz.Steps, ns, products);
                rows.Add(row);
                progress?.Invoke(FormattableString.Invariant(
                    $"Newton–Schulz {m}×{n} ×{batch}: {ns.Median * 1e3:F3} ms, products {products.Median * 1e3:F3} ms"));
            }
        }
        return rows;
    }

    // The iteration's three products per step, X·Xᵀ, A·A and B·X, with X held fixed: the same shapes and count. Each
    // product is freed as soon as it is used, as Newton–Schulz frees its temporaries: holding all fifteen to the end
    // grows the native heap, which libc trims and regrows on every call, and the page faults cost more than the
    // products in some process states (which would flatter the ratio).
    private static void Products(Tensor x, int steps)
    {
        using var transposed = x.transpose(-2, -1);
        for (var k = 0; k < steps; k++) {
            using var a = x.matmul(transposed);
            using var b = a.matmul(a);
            b.matmul(x).Dispose();
        }
    }
}
