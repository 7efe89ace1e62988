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
    public readonly struct Constants : IVectorStep
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

        /// <summary>One vector of the rule (see <see cref="IVectorStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(float* p, float* g, float* m, float* v, float* vmax)
        {
            var theta = Unsafe.Read<Vector<float>>(p);
            var grad = Prologue.Apply(Unsafe.Read<Vector<float>>(g), ref theta);
            var (first, second) = Moments.Update(m, v, grad);
            if (AmsGrad) {
                second = Vector.Max(Unsafe.Read<Vector<float>>(vmax), second);
                Unsafe.Write(vmax, second);
            }
            var denom = Vector.SquareRoot(second) / new Vector<float>(BiasCorrection2Sqrt) + new Vector<float>(Eps);
            Unsafe.Write(p, TorchOps.AddCDiv(theta, first, denom, NegativeStepSize));
        }
    }
}
