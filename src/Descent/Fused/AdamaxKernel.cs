using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// Adamax (Kingma &amp; Ba 2015, Algorithm 2) in one pass over θ, g, m and the infinity-norm average u:
/// m ← β1·m + (1 − β1)·g, u ← max(β2·u, |g| + ε), θ ← θ − (lr/(1 − β1ᵗ))·m/u; the same operations in the same order
/// as <see cref="Optimizers.Adamax"/>'s tensor rule, rounded as libtorch rounds them (<see cref="TorchOps"/>).
/// </summary>
internal static unsafe class AdamaxKernel
{
    /// <summary>The per-step constants, computed in double and rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants : IVectorStep
    {
        public Constants(double beta1, double beta2, double eps, double lr, long step, Prologue prologue)
        {
            Moments = new Moments(beta1, beta2);
            Eps = (float)eps;
            NegativeClr = (float)-(lr / (1 - Math.Pow(beta1, step)));
            Prologue = prologue;
        }

        public Moments Moments { get; }
        public float Eps { get; }

        /// <summary>−lr/(1 − β1ᵗ).</summary>
        public float NegativeClr { get; }
        public Prologue Prologue { get; }

        /// <summary>One vector of the rule (see <see cref="IVectorStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(float* p, float* g, float* m, float* u, float* unused)
        {
            var theta = Unsafe.Read<Vector<float>>(p);
            var grad = Prologue.Apply(Unsafe.Read<Vector<float>>(g), ref theta);
            var first = Moments.First(Unsafe.Read<Vector<float>>(m), grad);
            var norm = Vector.Max(Unsafe.Read<Vector<float>>(u) * Moments.Beta2, Vector.Abs(grad) + new Vector<float>(Eps));
            Unsafe.Write(m, first);
            Unsafe.Write(u, norm);
            Unsafe.Write(p, TorchOps.AddCDiv(theta, first, norm, NegativeClr));
        }
    }
}
