using System;
using static TorchSharp.torch;

namespace Descent.Lab.Bench;

/// <summary>
/// The copy bandwidth of this machine, measured in the same run as the optimizers: the median time of
/// <c>destination.copy_(source)</c> on two float32 tensors, each far larger than the caches. One copy reads the source
/// and writes the destination, so it moves 2 × its size; the bandwidth is that over the median time.
/// </summary>
public static class BandwidthProbe
{
    /// <summary>The default elements per tensor: 2²⁴ float32 = 64 MiB, well above the 4e7 bytes the issue asks for and any L3.</summary>
    public const long DefaultElements = 1L << 24;

    /// <summary>Measures the copy bandwidth.</summary>
    /// <param name="elements">Float32 elements in each of the two tensors.</param>
    /// <param name="timing">Warm-up and repeats.</param>
    /// <returns>The copy measurement and the bandwidth it implies.</returns>
    public static BandwidthResult Measure(long elements, BenchTiming timing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elements, 1);
        using var source = rand(elements, dtype: ScalarType.Float32, generator: new Generator(0));
        using var destination = empty(elements, dtype: ScalarType.Float32);
        var copy = BenchTimer.Measure(() => destination.copy_(source), timing);
        var bytes = 2 * elements * sizeof(float);
        return new BandwidthResult(bytes, copy);
    }
}
