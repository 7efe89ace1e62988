using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// RAdam (Liu et al. 2020) in one pass over θ, g, m and v: the moments as Adam's, then either the rectified adaptive
/// step θ ← θ − ((m/(1 − β1ᵗ))·lr·(√(1 − β2ᵗ)/(√v + ε)))·r_t or, while ρ_t ≤ 5, the un-adapted momentum step
/// θ ← θ − (m/(1 − β1ᵗ))·lr. Which one depends only on the step, so the caller decides it and computes r_t; the
/// element operations are <see cref="Optimizers.RAdam"/>'s tensor rule's, in its order, rounded as libtorch rounds
/// them (<see cref="TorchOps"/>).
/// </summary>
internal static unsafe class RadamKernel
{
    /// <summary>The per-step constants, computed in double and rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants : IVectorStep
    {
        public Constants(double beta1, double beta2, double eps, double lr, double biasCorrection1, double biasCorrection2,
            double? rectification, Prologue prologue)
        {
            Moments = new Moments(beta1, beta2);
            Eps = (float)eps;
            Lr = (float)lr;
            BiasCorrection1 = (float)biasCorrection1;
            BiasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);
            Rectified = rectification.HasValue;
            Rectification = (float)rectification.GetValueOrDefault();
            Prologue = prologue;
        }

        public Moments Moments { get; }
        public float Eps { get; }
        public float Lr { get; }

        /// <summary>1 − β1ᵗ.</summary>
        public float BiasCorrection1 { get; }

        /// <summary>√(1 − β2ᵗ).</summary>
        public float BiasCorrection2Sqrt { get; }

        /// <summary>ρ_t &gt; 5: the step is adaptive and rectified by <see cref="Rectification"/>.</summary>
        public bool Rectified { get; }
        public float Rectification { get; }
        public Prologue Prologue { get; }

        /// <summary>One vector of the rule (see <see cref="IVectorStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(float* p, float* g, float* m, float* v, float* unused)
        {
            var theta = Unsafe.Read<Vector<float>>(p);
            var grad = Prologue.Apply(Unsafe.Read<Vector<float>>(g), ref theta);
            var (first, second) = Moments.Update(m, v, grad);
            var step = first / new Vector<float>(BiasCorrection1) * Lr;
            if (Rectified) {
                var adaptiveLr = Vector<float>.One / (Vector.SquareRoot(second) + new Vector<float>(Eps)) * BiasCorrection2Sqrt;
                step = step * adaptiveLr * Rectification;
            }
            Unsafe.Write(p, TorchOps.Add(theta, step, -1f));
        }
    }
}
