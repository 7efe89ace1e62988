using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Descent.Fused;

/// <summary>
/// Whether a float32 CPU tensor holds only finite values, in one read-only pass and without allocating: the core's
/// non-finite check otherwise writes a boolean tensor as large as the gradient and reduces it.
/// </summary>
internal static unsafe class FiniteCheck
{
    /// <summary>True when every element of <paramref name="tensor"/> (float32, contiguous, CPU) is finite.</summary>
    public static bool All(Tensor tensor)
    {
        var start = FusedUpdate<Core.DescentOptions>.Pointer(tensor);
        var n = tensor.numel();
        var width = Vector<float>.Count;
        // x − x is 0 for finite x and NaN for ±∞ and NaN, so one accumulated sum says whether any element was not finite.
        var accumulated = Vector<float>.Zero;
        long i = 0;
        for (; i + width <= n; i += width) {
            var x = Unsafe.Read<Vector<float>>(start + i);
            accumulated += x - x;
        }
        var tail = 0f;
        for (; i < n; i++) {
            tail += start[i] - start[i];
        }
        return float.IsFinite(Vector.Sum(accumulated) + tail);
    }
}
