using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// libtorch's float32 CPU pointwise operations, rounded as its vectorised kernels round them: <c>add(other, alpha)</c>
/// is one fused multiply-add, <c>addcmul(t1, t2, value)</c> is self + (value·t1)·t2 and <c>addcdiv(t1, t2, value)</c> is
/// self + (value·t1)/t2, each product and quotient rounded (checked bit for bit against TorchSharp's libtorch on 10⁵
/// random elements). One operation cannot be matched: libtorch's float32 <c>sqrt</c> is not correctly rounded (it
/// differs from the exact rounding by one ulp in about 17% of elements), so the kernels' <c>sqrt</c> is exact and the
/// rules that take a square root agree with the tensor path to float32 rounding rather than bit for bit.
/// </summary>
internal static class TorchOps
{
    /// <summary>self + alpha·other, as <c>self.add(other, alpha)</c>: one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Add(Vector<float> self, Vector<float> other, float alpha) =>
        Vector.FusedMultiplyAdd(other, new Vector<float>(alpha), self);

    /// <summary>self + value·t1·t2, as <c>self.addcmul(t1, t2, value)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> AddCMul(Vector<float> self, Vector<float> t1, Vector<float> t2, float value) =>
        Vector.FusedMultiplyAdd(t1 * value, t2, self);

    /// <summary>self + value·t1/t2, as <c>self.addcdiv(t1, t2, value)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> AddCDiv(Vector<float> self, Vector<float> t1, Vector<float> t2, float value) =>
        self + (t1 * value / t2);
}
