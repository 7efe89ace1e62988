using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Descent.Lab.Bench;

/// <summary>
/// The memory bandwidth of this machine, measured in the same run as the optimizers, on float32 tensors far larger
/// than the caches: <c>destination.copy_(source)</c> (reads one tensor, writes another: 2 × its size) and the in-place
/// <c>a.add_(b, alpha)</c> (reads two, writes one: 3 × its size). The floor uses the faster of the two: an
/// optimizer's in-place updates stream like <c>add_</c>, and on some machines (this one: about 3×) much faster than
/// <c>copy_</c>, whose destination lines are also read before being written; with copy_ alone the "floor" could be
/// beaten.
/// </summary>
public static class BandwidthProbe
{
    /// <summary>The default elements per tensor: 2²⁴ float32 = 64 MiB, well above the 4e7 bytes the issue asks for and any L3.</summary>
    public const long DefaultElements = 1L << 24;

    /// <summary>Measures the bandwidth.</summary>
    /// <param name="elements">Float32 elements in each tensor.</param>
    /// <param name="timing">Warm-up and repeats.</param>
    /// <returns>Each probe's measurement, and the bandwidth of the fastest.</returns>
    public static BandwidthResult Measure(long elements, BenchTiming timing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elements, 1);
        var generator = new Generator(0);
        using var a = rand(elements, dtype: ScalarType.Float32, generator: generator);
        using var b = rand(elements, dtype: ScalarType.Float32, generator: generator);
        using var destination = empty(elements, dtype: ScalarType.Float32);
        var bytes = elements * sizeof(float);
        var probes = new List<BandwidthSample>
        {
            new("copy_", 2 * bytes, BenchTimer.Measure(() => destination.copy_(a), timing)),
            // A tiny alpha keeps a's values (and so the work) the same over any number of calls.
            new("add_", 3 * bytes, BenchTimer.Measure(() => a.add_(b, alpha: 1e-9), timing)),
        };
        return new BandwidthResult(probes);
    }
}
