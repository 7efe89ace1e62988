using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Descent.Fused;

/// <summary>
/// y ← s·x + y in one pass, rounded as libtorch rounds <c>x.mul(s).add_(y)</c>: for bfloat16 the product is rounded to
/// bfloat16 before the sum (each libtorch operation computes in float32 and rounds its result to bfloat16, to
/// nearest even); for float32 both are plain float32 operations. Newton–Schulz's polynomial steps B = b·A + (c·A)·A and
/// X = a·X + B·X take it on the product they just computed, saving two passes and two allocations per iteration.
/// </summary>
internal static unsafe class ScaleAddKernel
{
    /// <summary>True when x and y are contiguous CPU tensors of one dtype, bfloat16 or float32, and of one size.</summary>
    public static bool Supports(Tensor x, Tensor y) =>
        x.dtype == y.dtype && x.dtype is ScalarType.BFloat16 or ScalarType.Float32
        && x.device_type == TorchSharp.DeviceType.CPU && y.device_type == TorchSharp.DeviceType.CPU
        && x.is_contiguous() && y.is_contiguous() && x.numel() == y.numel();

    /// <summary>y ← s·x + y; <paramref name="scale"/> is rounded to float32, as libtorch rounds a Scalar.</summary>
    public static void Run(double scale, Tensor x, Tensor y)
    {
        var (px, py, n, s) = (Flat.TensorAddress.Of(x), Flat.TensorAddress.Of(y), x.numel(), (float)scale);
        if (x.dtype == ScalarType.Float32) {
            Chunks.Run(n, (start, count) => Float32((float*)px + start, (float*)py + start, count, s));
        } else {
            Chunks.Run(n, (start, count) => BFloat16((ushort*)px + start, (ushort*)py + start, count, s));
        }
        // The kernel reads raw memory: the tensors (whose finalizers would free it) must outlive it.
        GC.KeepAlive(x);
        GC.KeepAlive(y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Float32(float* x, float* y, long n, float s)
    {
        var width = Vector<float>.Count;
        long i = 0;
        for (; i + width <= n; i += width) {
            Unsafe.Write(y + i, (Unsafe.Read<Vector<float>>(x + i) * s) + Unsafe.Read<Vector<float>>(y + i));
        }
        for (; i < n; i++) {
            y[i] = (x[i] * s) + y[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BFloat16(ushort* x, ushort* y, long n, float s)
    {
        var width = Vector<ushort>.Count;
        long i = 0;
        for (; i + width <= n; i += width) {
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

    // bfloat16 bits (in the low half of a uint) as float32.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Widen(Vector<uint> bits) => Vector.AsVectorSingle(Vector.ShiftLeft(bits, 16));

    // float32 to bfloat16 bits, round to nearest even; NaN becomes the quiet NaN 0x7FC0, as in c10::BFloat16.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Round(Vector<float> value)
    {
        var bits = Vector.AsVectorUInt32(value);
        var rounded = Vector.ShiftRightLogical(bits + new Vector<uint>(0x7FFF) + (Vector.ShiftRightLogical(bits, 16) & Vector<uint>.One), 16);
        return Vector.ConditionalSelect(Vector.AsVectorUInt32(Vector.Equals(value, value)), rounded, new Vector<uint>(0x7FC0));
    }

    private static float ToFloat(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    private static ushort Round(float value)
    {
        if (float.IsNaN(value)) {
            return 0x7FC0;
        }
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}
