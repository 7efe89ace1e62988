using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Fused;

/// <summary>
/// bfloat16 ↔ float32 as c10::BFloat16 converts: widening is exact (the 16 bits become the high half), narrowing
/// rounds to nearest even and turns every NaN into the quiet NaN 0x7FC0. Scalar, <see cref="Vector{T}"/> and AVX-512
/// forms, the last 16 lanes at a time with one widening or narrowing move each way.
/// </summary>
internal static class BFloat16Bits
{
    /// <summary>
    /// Whether passes take 512-bit vectors where the CPU has AVX-512 (twice the lanes of <see cref="Vector{T}"/>,
    /// which .NET keeps at 256 bits). Tests turn it off to check the portable path gives the same bits.
    /// </summary>
    public static bool UseAvx512 { get; set; } = true;

    /// <summary>True when the AVX-512 forms are to be used: allowed and supported.</summary>
    public static bool Avx512 => UseAvx512 && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    public static float ToFloat(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    public static ushort Round(float value)
    {
        if (float.IsNaN(value)) {
            return 0x7FC0;
        }
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>bfloat16 bits in the low half of each lane, as float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Widen(Vector<uint> bits) => Vector.AsVectorSingle(Vector.ShiftLeft(bits, 16));

    /// <summary>float32 to bfloat16 bits in the low half of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<uint> Round(Vector<float> value)
    {
        var bits = Vector.AsVectorUInt32(value);
        var rounded = Vector.ShiftRightLogical(bits + new Vector<uint>(0x7FFF) + (Vector.ShiftRightLogical(bits, 16) & Vector<uint>.One), 16);
        return Vector.ConditionalSelect(Vector.AsVectorUInt32(Vector.Equals(value, value)), rounded, new Vector<uint>(0x7FC0));
    }

    /// <summary>16 bfloat16 values as float32 (AVX-512 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Widen(Vector256<ushort> bits) => (Avx512F.ConvertToVector512UInt32(bits) << 16).AsSingle();

    /// <summary>16 float32 values as bfloat16 bits (AVX-512 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ushort> Round(Vector512<float> value)
    {
        var bits = value.AsUInt32();
        var rounded = (bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One)) >> 16;
        var quieted = Vector512.ConditionalSelect(Vector512.Equals(value, value).AsUInt32(), rounded, Vector512.Create(0x7FC0u));
        return Avx512F.ConvertToVector256UInt16(quieted);
    }
}
