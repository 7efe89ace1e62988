using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// Adam (Kingma &amp; Ba 2015; AMSGrad: Reddi et al. 2018) in one pass: each element of θ, g, m, v (and v̂max) is read
/// once and written once, against about ten passes for the tensor path. Same operations in the same order as
/// <see cref="Optimizers.Adam"/>'s tensor rule, rounded as libtorch rounds them (<see cref="TorchOps"/>); libtorch's
/// square root is not correctly rounded, so results agree to float32 rounding, not always bit for bit.
/// </summary>
internal static unsafe class AdamKernel
{
    /// <summary>The per-step constants, computed once in double and rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants
    {
        public Constants(double beta1, double beta2, double eps, double lr, long step, bool amsgrad, Prologue prologue)
        {
            Moments = new Moments(beta1, beta2);
            Eps = (float)eps;
            BiasCorrection2Sqrt = (float)Math.Sqrt(1 - Math.Pow(beta2, step));
            NegativeStepSize = (float)(-lr / (1 - Math.Pow(beta1, step)));
            AmsGrad = amsgrad;
            Prologue = prologue;
        }

        public Moments Moments { get; }
        public float Eps { get; }
        public float BiasCorrection2Sqrt { get; }
        public float NegativeStepSize { get; }
        public bool AmsGrad { get; }
        public Prologue Prologue { get; }
    }

    /// <summary>Updates n elements; <paramref name="maxSecond"/> is read only with AMSGrad.</summary>
    public static void Run(float* param, float* grad, float* first, float* second, float* maxSecond, long n, Constants c)
    {
        var (p, g, m, v, vmax) = ((IntPtr)param, (IntPtr)grad, (IntPtr)first, (IntPtr)second, (IntPtr)maxSecond);
        Chunks.Run(n, (start, count) => Range((float*)p, (float*)g, (float*)m, (float*)v, (float*)vmax, start, start + count, c));
    }

    // Fully optimised from the first call: under tiered compilation the first calls would run unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range(float* p, float* g, float* m, float* v, float* vmax, long i, long end, Constants c)
    {
        var width = Vector<float>.Count;
        for (; i + width <= end; i += width) {
            var theta = Unsafe.Read<Vector<float>>(p + i);
            var grad = c.Prologue.Apply(Unsafe.Read<Vector<float>>(g + i), ref theta);
            var first = c.Moments.First(Unsafe.Read<Vector<float>>(m + i), grad);
            var second = c.Moments.Second(Unsafe.Read<Vector<float>>(v + i), grad);
            Unsafe.Write(m + i, first);
            Unsafe.Write(v + i, second);
            if (c.AmsGrad) {
                second = Vector.Max(Unsafe.Read<Vector<float>>(vmax + i), second);
                Unsafe.Write(vmax + i, second);
            }
            var denom = Vector.SquareRoot(second) / new Vector<float>(c.BiasCorrection2Sqrt) + new Vector<float>(c.Eps);
            Unsafe.Write(p + i, TorchOps.AddCDiv(theta, first, denom, c.NegativeStepSize));
        }
        for (; i < end; i++) {
            var theta = p[i];
            var grad = c.Prologue.Apply(g[i], ref theta);
            var first = c.Moments.First(m[i], grad);
            var second = c.Moments.Second(v[i], grad);
            m[i] = first;
            v[i] = second;
            if (c.AmsGrad) {
                second = MathF.Max(vmax[i], second);
                vmax[i] = second;
            }
            var denom = MathF.Sqrt(second) / c.BiasCorrection2Sqrt + c.Eps;
            p[i] = TorchOps.AddCDiv(theta, first, denom, c.NegativeStepSize);
        }
    }
}
