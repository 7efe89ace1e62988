using System;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static Descent.Fused.BFloat16Bits;
using static TorchSharp.torch;

namespace Descent.Fused;

/// <summary>
/// Newton–Schulz's elementwise passes as single C# passes, rounded as libtorch rounds them: <see cref="Scale"/> is
/// <c>x.mul(s)</c>, <see cref="ScaleAdd"/> is <c>x.mul(s).add_(y)</c> and <see cref="DivideEach"/> is <c>x.div_(d)</c>
/// with one divisor per matrix. For bfloat16 each libtorch operation
/// computes in float32 (the scalar as float32) and rounds its result to bfloat16, to nearest even, so the product is
/// rounded before the sum; for float32 both are plain float32 operations. The polynomial steps B = b·A + (c·A)·A and
/// X = a·X + B·X take them on the products they just computed, saving passes and allocations per iteration.
/// </summary>
internal static unsafe class ScaleKernels
{
    /// <summary>True when x and y are contiguous CPU tensors of one dtype, bfloat16 or float32, and of one size.</summary>
    public static bool Supports(Tensor x, Tensor y) =>
        x.dtype == y.dtype && x.dtype is (ScalarType.BFloat16 or ScalarType.Float32) && Flat.TensorAddress.ContiguousCpuPair(x, y);

    /// <summary>into ← s·x. Call only when <see cref="Supports"/> holds for (x, into).</summary>
    public static void Scale(double scale, Tensor x, Tensor into) =>
        Run(x, into, (float)scale, &ScaleFloat32, &ScaleBFloat16);

    /// <summary>y ← s·x + y. Call only when <see cref="Supports"/> holds.</summary>
    public static void ScaleAdd(double scale, Tensor x, Tensor y) =>
        Run(x, y, (float)scale, &ScaleAddFloat32, &ScaleAddBFloat16);

    /// <summary>
    /// x[k] ← x[k] / d[k] for each matrix k of a (B, r, c) tensor, rounded as <c>x.div_(d)</c> with d of shape
    /// (B, 1, 1) rounds it: IEEE division in float32, the quotient rounded to bfloat16 for a bfloat16 x. Call only when
    /// <see cref="Supports"/> holds for (x, x) and d has x's dtype.
    /// </summary>
    public static void DivideEach(Tensor x, Tensor d)
    {
        float[] divisors;
        using (var values = d.to(ScalarType.Float32, copy: true)) {
            divisors = values.data<float>().ToArray();
        }
        var per = x.numel() / divisors.Length;
        var address = Flat.TensorAddress.Of(x);
        for (var k = 0; k < divisors.Length; k++) {
            var (start, divisor) = (k * per, divisors[k]);
            if (x.dtype == ScalarType.Float32) {
                Chunks.Run(per, (from, count) => DivideFloat32((float*)address + start + from, count, divisor));
            } else {
                Chunks.Run(per, (from, count) => DivideBFloat16((ushort*)address + start + from, count, divisor));
            }
        }
        GC.KeepAlive(x);
    }

    private static void Run(Tensor x, Tensor y, float s,
        delegate*<float*, float*, long, float, void> float32, delegate*<ushort*, ushort*, long, float, void> bfloat16)
    {
        var (px, py, n) = (Flat.TensorAddress.Of(x), Flat.TensorAddress.Of(y), x.numel());
        if (x.dtype == ScalarType.Float32) {
            Chunks.Run(n, (start, count) => float32((float*)px + start, (float*)py + start, count, s));
        } else {
            Chunks.Run(n, (start, count) => bfloat16((ushort*)px + start, (ushort*)py + start, count, s));
        }
        // The kernel reads raw memory: the tensors (whose finalizers would free it) must outlive it.
        GC.KeepAlive(x);
        GC.KeepAlive(y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DivideFloat32(float* x, long n, float d)
    {
        long i = 0;
        if (Avx512) {
            for (; i + 16 <= n; i += 16) {
                (Vector512.Load(x + i) / Vector512.Create(d)).Store(x + i);
            }
        }
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count) {
            Unsafe.Write(x + i, Unsafe.Read<Vector<float>>(x + i) / new Vector<float>(d));
        }
        for (; i < n; i++) {
            x[i] /= d;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DivideBFloat16(ushort* x, long n, float d)
    {
        long i = 0;
        if (Avx512) {
            for (; i + 16 <= n; i += 16) {
                Round(Widen(Vector256.Load(x + i)) / Vector512.Create(d)).Store(x + i);
            }
        }
        var divisor = new Vector<float>(d);
        for (; i + Vector<ushort>.Count <= n; i += Vector<ushort>.Count) {
            Vector.Widen(Unsafe.Read<Vector<ushort>>(x + i), out var low, out var high);
            Unsafe.Write(x + i, Vector.Narrow(Round(Widen(low) / divisor), Round(Widen(high) / divisor)));
        }
        for (; i < n; i++) {
            x[i] = Round(ToFloat(x[i]) / d);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleFloat32(float* x, float* y, long n, float s)
    {
        long i = 0;
        if (Avx512) {
            for (; i + 16 <= n; i += 16) {
                (Vector512.Load(x + i) * s).Store(y + i);
            }
        }
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count) {
            Unsafe.Write(y + i, Unsafe.Read<Vector<float>>(x + i) * s);
        }
        for (; i < n; i++) {
            y[i] = x[i] * s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleAddFloat32(float* x, float* y, long n, float s)
    {
        long i = 0;
        if (Avx512) {
            for (; i + 16 <= n; i += 16) {
                ((Vector512.Load(x + i) * s) + Vector512.Load(y + i)).Store(y + i);
            }
        }
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count) {
            Unsafe.Write(y + i, (Unsafe.Read<Vector<float>>(x + i) * s) + Unsafe.Read<Vector<float>>(y + i));
        }
        for (; i < n; i++) {
            y[i] = (x[i] * s) + y[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleBFloat16(ushort* x, ushort* y, long n, float s)
    {
        long i = 0;
        if (Avx512) {
            for (; i + 16 <= n; i += 16) {
                Round(Widen(Vector256.Load(x + i)) * s).Store(y + i);
            }
        }
        for (; i + Vector<ushort>.Count <= n; i += Vector<ushort>.Count) {
            Vector.Widen(Unsafe.Read<Vector<ushort>>(x + i), out var xLow, out var xHigh);
            Unsafe.Write(y + i, Vector.Narrow(Round(Widen(xLow) * s), Round(Widen(xHigh) * s)));
        }
        for (; i < n; i++) {
            y[i] = Round(ToFloat(x[i]) * s);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleAddBFloat16(ushort* x, ushort* y, long n, float s)
    {
        long i = 0;
        if (Avx512) {
            for (; i + 16 <= n; i += 16) {
                Round(Widen(Round(Widen(Vector256.Load(x + i)) * s)) + Widen(Vector256.Load(y + i))).Store(y + i);
            }
        }
        for (; i + Vector<ushort>.Count <= n; i += Vector<ushort>.Count) {
            Vector.Widen(Unsafe.Read<Vector<ushort>>(x + i), out var xLow, out var xHigh);
            Vector.Widen(Unsafe.Read<Vector<ushort>>(y + i), out var yLow, out var yHigh);
            var low = Round(Widen(Round(Widen(xLow) * s)) + Widen(yLow));
            var high = Round(Widen(Round(Widen(xHigh) * s)) + Widen(yHigh));
            Unsafe.Write(y + i, Vector.Narrow(low, high));
        }
        for (; i < n; i++) {
            y[i] = Round(ToFloat(Round(ToFloat(x[i]) * s)) + ToFloat(y[i]));
        }
    }
}
