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
        var start = Flat.TensorAddress.Of(tensor);
        var finite = true;
        Chunks.Run(tensor.numel(), (offset, count) => {
            if (!Range((float*)start + offset, count)) {
                finite = false;
            }
        });
        GC.KeepAlive(tensor); // the scan reads raw memory: the tensor must outlive it
        return finite;
    }

    // x − x is 0 for finite x and NaN for ±∞ and NaN, so a sum of them says whether any element was not finite. Four
    // independent sums keep the adds from waiting on one another (a single chain ran at a third of memory speed).
    // Fully optimised from the first call: under tiered compilation the first calls would run unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Range(float* x, long n)
    {
        var width = Vector<float>.Count;
        var (a, b, c, d) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        long i = 0;
        for (; i + (4 * width) <= n; i += 4 * width) {
            var x0 = Unsafe.Read<Vector<float>>(x + i);
            var x1 = Unsafe.Read<Vector<float>>(x + i + width);
            var x2 = Unsafe.Read<Vector<float>>(x + i + (2 * width));
            var x3 = Unsafe.Read<Vector<float>>(x + i + (3 * width));
            a += x0 - x0;
            b += x1 - x1;
            c += x2 - x2;
            d += x3 - x3;
        }
        var tail = 0f;
        for (; i < n; i++) {
            tail += x[i] - x[i];
        }
        return float.IsFinite(Vector.Sum(a + b + c + d) + tail);
    }
}
