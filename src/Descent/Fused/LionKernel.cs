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
    public readonly struct Constants
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
    }

    /// <summary>Updates n elements.</summary>
    public static void Run(float* param, float* grad, float* momentum, long n, Constants c)
    {
        var (p, g, m) = ((IntPtr)param, (IntPtr)grad, (IntPtr)momentum);
        Chunks.Run(n, (start, count) => Range((float*)p, (float*)g, (float*)m, start, start + count, c));
    }

    // Fully optimised from the first call: under tiered compilation the first calls would run unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range(float* p, float* g, float* m, long i, long end, Constants c)
    {
        var width = Vector<float>.Count;
        for (; i + width <= end; i += width) {
            var theta = Unsafe.Read<Vector<float>>(p + i);
            var grad = c.Prologue.Apply(Unsafe.Read<Vector<float>>(g + i), ref theta);
            var momentum = Unsafe.Read<Vector<float>>(m + i);
            var direction = Sign.Of(TorchOps.Add(momentum * c.Beta1, grad, c.OneMinusBeta1));
            Unsafe.Write(p + i, TorchOps.Add(theta, direction, c.NegativeLr));
            Unsafe.Write(m + i, TorchOps.Add(momentum * c.Beta2, grad, c.OneMinusBeta2));
        }
        for (; i < end; i++) {
            var theta = p[i];
            var grad = c.Prologue.Apply(g[i], ref theta);
            var momentum = m[i];
            var direction = Sign.Of(TorchOps.Add(momentum * c.Beta1, grad, c.OneMinusBeta1));
            p[i] = TorchOps.Add(theta, direction, c.NegativeLr);
            m[i] = TorchOps.Add(momentum * c.Beta2, grad, c.OneMinusBeta2);
        }
    }
}
