using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// Lion (Chen et al. 2023) in one pass over θ, g and m: θ ← θ − lr·sign(β1·m + (1 − β1)·g), m ← β2·m + (1 − β2)·g,
/// the same operations in the same order as <see cref="Optimizers.Lion"/>'s tensor rule, rounded as libtorch rounds them
/// (<see cref="TorchOps"/>): a sign decided by a last-bit difference would move θ by 2·lr, so the interpolation must
/// round exactly as the tensor path does. No square root, so it matches the tensor path bit for bit.
/// </summary>
internal static unsafe class LionKernel
{
    /// <summary>The per-step constants, rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants : IVectorStep
    {
        public Constants(double beta1, double beta2, double lr, Prologue prologue)
        {
            Beta1 = (float)beta1;
            OneMinusBeta1 = (float)(1 - beta1);
            Beta2 = (float)beta2;
            OneMinusBeta2 = (float)(1 - beta2);
            NegativeLr = (float)-lr;
            Prologue = prologue;
        }

        public float Beta1 { get; }
        public float OneMinusBeta1 { get; }
        public float Beta2 { get; }
        public float OneMinusBeta2 { get; }
        public float NegativeLr { get; }
        public Prologue Prologue { get; }

        /// <summary>One vector of the rule (see <see cref="IVectorStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(float* p, float* g, float* m, float* unused, float* unused2)
        {
            var theta = Unsafe.Read<Vector<float>>(p);
            var grad = Prologue.Apply(Unsafe.Read<Vector<float>>(g), ref theta);
            var momentum = Unsafe.Read<Vector<float>>(m);
            var direction = Sign.Of(TorchOps.Add(momentum * Beta1, grad, OneMinusBeta1));
            Unsafe.Write(p, TorchOps.Add(theta, direction, NegativeLr));
            Unsafe.Write(m, TorchOps.Add(momentum * Beta2, grad, OneMinusBeta2));
        }
    }
}
