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
    public readonly struct Constants
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
    }

    /// <summary>Updates n elements; <paramref name="buffer"/> is used only when the state has one.</summary>
    public static void Run(float* param, float* grad, float* buffer, long n, Constants c)
    {
        var (p, g, b) = ((IntPtr)param, (IntPtr)grad, (IntPtr)buffer);
        Chunks.Run(n, (start, count) => Range((float*)p, (float*)g, (float*)b, start, start + count, c));
    }

    // Fully optimised from the first call: under tiered compilation the first calls would run unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range(float* p, float* g, float* b, long i, long end, Constants c)
    {
        var width = Vector<float>.Count;
        for (; i + width <= end; i += width) {
            var theta = Unsafe.Read<Vector<float>>(p + i);
            var grad = c.Prologue.Apply(Unsafe.Read<Vector<float>>(g + i), ref theta);
            var direction = grad;
            if (c.HasBuffer) {
                direction = TorchOps.Add(Unsafe.Read<Vector<float>>(b + i) * c.Momentum, grad, c.OneMinusMomentum);
                Unsafe.Write(b + i, direction);
            }
            Unsafe.Write(p + i, TorchOps.Add(theta, Sign.Of(direction), c.NegativeLr));
        }
        for (; i < end; i++) {
            var theta = p[i];
            var grad = c.Prologue.Apply(g[i], ref theta);
            var direction = grad;
            if (c.HasBuffer) {
                direction = TorchOps.Add(b[i] * c.Momentum, grad, c.OneMinusMomentum);
                b[i] = direction;
            }
            p[i] = TorchOps.Add(theta, Sign.Of(direction), c.NegativeLr);
        }
    }
}
