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
    public readonly struct Constants : IVectorStep
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

        /// <summary>One vector of the rule (see <see cref="IVectorStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(float* p, float* g, float* b, float* unused, float* unused2)
        {
            var theta = Unsafe.Read<Vector<float>>(p);
            var grad = Prologue.Apply(Unsafe.Read<Vector<float>>(g), ref theta);
            var direction = grad;
            if (Momentum != 0) {
                var buffer = FreshBuffer ? grad : TorchOps.Add(Unsafe.Read<Vector<float>>(b) * Momentum, grad, OneMinusDampening);
                Unsafe.Write(b, buffer);
                direction = Nesterov ? TorchOps.Add(grad, buffer, Momentum) : buffer;
            }
            Unsafe.Write(p, TorchOps.Add(theta, direction, NegativeLr));
        }
    }
}
