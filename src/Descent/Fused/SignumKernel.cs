using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// Signum and signSGD (Bernstein et al. 2018) in one pass over θ, g and the momentum: m ← μ·m + (1 − μ)·g,
/// θ ← θ − lr·sign(m), or θ ← θ − lr·sign(g) without a buffer; the same operations in the same order as
/// <see cref="Optimizers.Signum"/>'s tensor rule, rounded as libtorch rounds them (<see cref="TorchOps"/>), so that no
/// sign (a step of 2·lr) can differ from the tensor path's: it matches the tensor path bit for bit.
/// </summary>
internal static unsafe class SignumKernel
{
    /// <summary>The per-step constants, rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants : IVectorStep
    {
        public Constants(double momentum, bool hasBuffer, double lr, Prologue prologue)
        {
            Momentum = (float)momentum;
            OneMinusMomentum = (float)(1 - momentum);
            HasBuffer = hasBuffer;
            NegativeLr = (float)-lr;
            Prologue = prologue;
        }

        public float Momentum { get; }
        public float OneMinusMomentum { get; }

        /// <summary>The state holds a momentum buffer (kept up to date even at μ = 0); without one the step is signSGD.</summary>
        public bool HasBuffer { get; }
        public float NegativeLr { get; }
        public Prologue Prologue { get; }

        /// <summary>One vector of the rule (see <see cref="IVectorStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(float* p, float* g, float* b, float* unused, float* unused2)
        {
            var theta = Unsafe.Read<Vector<float>>(p);
            var grad = Prologue.Apply(Unsafe.Read<Vector<float>>(g), ref theta);
            var direction = grad;
            if (HasBuffer) {
                direction = TorchOps.Add(Unsafe.Read<Vector<float>>(b) * Momentum, grad, OneMinusMomentum);
                Unsafe.Write(b, direction);
            }
            Unsafe.Write(p, TorchOps.Add(theta, Sign.Of(direction), NegativeLr));
        }
    }
}
