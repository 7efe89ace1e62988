using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// SGD with momentum, dampening and Nesterov (Sutskever et al. 2013, as torch.optim.SGD) in one pass over θ, g and the
/// momentum buffer; the same operations in the same order as <see cref="Optimizers.SGD"/>'s tensor rule, rounded as
/// libtorch rounds them (<see cref="TorchOps"/>), so it matches the tensor path bit for bit.
/// </summary>
internal static unsafe class SgdKernel
{
    /// <summary>The per-step constants, rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants
    {
        public Constants(double momentum, double dampening, bool nesterov, bool freshBuffer, double lr, Prologue prologue)
        {
            Momentum = (float)momentum;
            OneMinusDampening = (float)(1 - dampening);
            Nesterov = nesterov;
            FreshBuffer = freshBuffer;
            NegativeLr = (float)-lr;
            Prologue = prologue;
        }

        public float Momentum { get; }
        public float OneMinusDampening { get; }
        public bool Nesterov { get; }

        /// <summary>The buffer starts as a copy of this step's gradient (the first step), without dampening.</summary>
        public bool FreshBuffer { get; }
        public float NegativeLr { get; }
        public Prologue Prologue { get; }
    }

    /// <summary>Updates n elements; <paramref name="buffer"/> is used only when the momentum is not 0.</summary>
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
            if (c.Momentum != 0) {
                var buffer = c.FreshBuffer ? grad : TorchOps.Add(Unsafe.Read<Vector<float>>(b + i) * c.Momentum, grad, c.OneMinusDampening);
                Unsafe.Write(b + i, buffer);
                direction = c.Nesterov ? TorchOps.Add(grad, buffer, c.Momentum) : buffer;
            }
            Unsafe.Write(p + i, TorchOps.Add(theta, direction, c.NegativeLr));
        }
        for (; i < end; i++) {
            var theta = p[i];
            var grad = c.Prologue.Apply(g[i], ref theta);
            var direction = grad;
            if (c.Momentum != 0) {
                var buffer = c.FreshBuffer ? grad : TorchOps.Add(b[i] * c.Momentum, grad, c.OneMinusDampening);
                b[i] = buffer;
                direction = c.Nesterov ? TorchOps.Add(grad, buffer, c.Momentum) : buffer;
            }
            p[i] = TorchOps.Add(theta, direction, c.NegativeLr);
        }
    }
}
