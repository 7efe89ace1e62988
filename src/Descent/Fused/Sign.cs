using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// torch.sign for the sign-based kernels (Lion, Signum): 1 for positive, −1 for negative, 0 for zero (and for NaN).
/// </summary>
internal static class Sign
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Of(Vector<float> x) =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero)
        - Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
}
