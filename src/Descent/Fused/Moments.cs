using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// The moving averages of Adam's family, m ← β1·m + (1 − β1)·g and v ← β2·v + (1 − β2)·g², for one vector or one
/// element: the coefficients rounded to float32 as libtorch rounds Scalars, each update rounded as the tensor rules'
/// <c>mul_(β).add_(g, alpha)</c> and <c>mul_(β).addcmul_(g, g, value)</c> round it (<see cref="TorchOps"/>).
/// Shared by the Adam, NAdam, RAdam and Adamax kernels.
/// </summary>
internal readonly struct Moments
{
    public Moments(double beta1, double beta2)
    {
        Beta1 = (float)beta1;
        OneMinusBeta1 = (float)(1 - beta1);
        Beta2 = (float)beta2;
        OneMinusBeta2 = (float)(1 - beta2);
    }

    public float Beta1 { get; }
    public float OneMinusBeta1 { get; }
    public float Beta2 { get; }
    public float OneMinusBeta2 { get; }

    /// <summary>β1·m + (1 − β1)·g.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<float> First(Vector<float> m, Vector<float> g) => TorchOps.Add(m * Beta1, g, OneMinusBeta1);

    /// <summary>β2·v + (1 − β2)·g².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<float> Second(Vector<float> v, Vector<float> g) => TorchOps.AddCMul(v * Beta2, g, g, OneMinusBeta2);

    /// <summary>Both averages of one vector updated in memory (m ← first, v ← second), and returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe (Vector<float> First, Vector<float> Second) Update(float* m, float* v, Vector<float> g)
    {
        var first = First(Unsafe.Read<Vector<float>>(m), g);
        var second = Second(Unsafe.Read<Vector<float>>(v), g);
        Unsafe.Write(m, first);
        Unsafe.Write(v, second);
        return (first, second);
    }
}
