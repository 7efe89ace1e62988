using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// NAdam (Dozat 2016, torch's momentum schedule) in one pass over θ, g, m and v: m ← β1·m + (1 − β1)·g,
/// v ← β2·v + (1 − β2)·g², d = √(v/(1 − β2ᵗ)) + ε, θ ← θ + c_g·g/d, then θ ← θ + c_m·m/d; the same operations in the
/// same order as <see cref="Optimizers.NAdam"/>'s tensor rule, rounded as libtorch rounds them (<see cref="TorchOps"/>).
/// The schedule's scalars (μ_t, μ_{t+1} and the product Π) are the caller's, computed as the tensor rule does.
/// </summary>
internal static unsafe class NadamKernel
{
    /// <summary>The per-step constants, computed in double and rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants : IVectorStep
    {
        public Constants(double beta1, double beta2, double eps, double biasCorrection2, double gradCoefficient,
            double momentumCoefficient, Prologue prologue)
        {
            Moments = new Moments(beta1, beta2);
            Eps = (float)eps;
            BiasCorrection2 = (float)biasCorrection2;
            GradCoefficient = (float)gradCoefficient;
            MomentumCoefficient = (float)momentumCoefficient;
            Prologue = prologue;
        }

        public Moments Moments { get; }
        public float Eps { get; }

        /// <summary>1 − β2ᵗ.</summary>
        public float BiasCorrection2 { get; }

        /// <summary>−lr·(1 − μ_t)/(1 − Π_t).</summary>
        public float GradCoefficient { get; }

        /// <summary>−lr·μ_{t+1}/(1 − Π_t·μ_{t+1}).</summary>
        public float MomentumCoefficient { get; }
        public Prologue Prologue { get; }

        /// <summary>One vector of the rule (see <see cref="IVectorStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(float* p, float* g, float* m, float* v, float* unused)
        {
            var theta = Unsafe.Read<Vector<float>>(p);
            var grad = Prologue.Apply(Unsafe.Read<Vector<float>>(g), ref theta);
            var (first, second) = Moments.Update(m, v, grad);
            var denom = Vector.SquareRoot(second / new Vector<float>(BiasCorrection2)) + new Vector<float>(Eps);
            theta = TorchOps.AddCDiv(theta, grad, denom, GradCoefficient);
            Unsafe.Write(p, TorchOps.AddCDiv(theta, first, denom, MomentumCoefficient));
        }
    }
}
