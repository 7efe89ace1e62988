using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static Descent.Fused.BFloat16Bits;
using static TorchSharp.torch;

namespace Descent.Fused;

/// <summary>
/// float32 ↔ bfloat16 copies between contiguous CPU tensors as single C# passes, with the bits of libtorch's
/// <c>copy_</c>/<c>to</c>: narrowing rounds to nearest even (NaN to 0x7FC0), widening is exact. Newton–Schulz takes
/// them on its way in and out, where libtorch's conversions cost 2–3× as much at 256².
/// </summary>
internal static unsafe class ConversionKernels
{
    /// <summary>True when <paramref name="from"/> → <paramref name="to"/> is float32 ↔ bfloat16 between contiguous CPU tensors of one size.</summary>
    public static bool Supports(Tensor from, Tensor to) =>
        ((from.dtype == ScalarType.Float32 && to.dtype == ScalarType.BFloat16)
            || (from.dtype == ScalarType.BFloat16 && to.dtype == ScalarType.Float32))
        && Flat.TensorAddress.ContiguousCpuPair(from, to);

    /// <summary>to ← from, converted. Call only when <see cref="Supports"/> holds.</summary>
    public static void Copy(Tensor from, Tensor to)
    {
        var (source, target, n) = (Flat.TensorAddress.Of(from), Flat.TensorAddress.Of(to), from.numel());
        if (from.dtype == ScalarType.Float32) {
            Chunks.Run(n, (start, count) => Narrow((float*)source + start, (ushort*)target + start, count));
        } else {
            Chunks.Run(n, (start, count) => Widen((ushort*)source + start, (float*)target + start, count));
        }
        GC.KeepAlive(from);
        GC.KeepAlive(to);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Narrow(float* from, ushort* to, long n)
    {
        long i = 0;
        if (Avx512) {
            for (; i + 16 <= n; i += 16) {
                Round(Vector512.Load(from + i)).Store(to + i);
            }
        }
        for (; i + Vector<ushort>.Count <= n; i += Vector<ushort>.Count) {
            var low = Round(Unsafe.Read<Vector<float>>(from + i));
            var high = Round(Unsafe.Read<Vector<float>>(from + i + Vector<float>.Count));
            Unsafe.Write(to + i, Vector.Narrow(low, high));
        }
        for (; i < n; i++) {
            to[i] = Round(from[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Widen(ushort* from, float* to, long n)
    {
        long i = 0;
        if (Avx512) {
            for (; i + 16 <= n; i += 16) {
                BFloat16Bits.Widen(Vector256.Load(from + i)).Store(to + i);
            }
        }
        for (; i + Vector<ushort>.Count <= n; i += Vector<ushort>.Count) {
            Vector.Widen(Unsafe.Read<Vector<ushort>>(from + i), out var low, out var high);
            Unsafe.Write(to + i, BFloat16Bits.Widen(low));
            Unsafe.Write(to + i + Vector<float>.Count, BFloat16Bits.Widen(high));
        }
        for (; i < n; i++) {
            to[i] = ToFloat(from[i]);
        }
    }
}
