using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// Diagonal AdaGrad (Duchi, Hazan &amp; Singer 2011) with lr decay in one pass over θ, g and the sum of squares
/// S ← S + g², θ ← θ − clr·g/(√S + ε); the same operations in the same order as <see cref="Optimizers.Adagrad"/>'s
/// tensor rule, rounded as libtorch rounds them (<see cref="TorchOps"/>).
/// </summary>
internal static unsafe class AdagradKernel
{
    /// <summary>The per-step constants, rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants : IVectorStep
    {
        public Constants(double eps, double lr, double lrDecay, long step, Prologue prologue)
        {
            Eps = (float)eps;
            NegativeClr = (float)-(lr / (1 + ((step - 1) * lrDecay)));
            Prologue = prologue;
        }

        public float Eps { get; }

        /// <summary>−lr/(1 + (t − 1)·lr_decay).</summary>
        public float NegativeClr { get; }
        public Prologue Prologue { get; }

        /// <summary>One vector of the rule (see <see cref="IVectorStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(float* p, float* g, float* s, float* unused, float* unused2)
        {
            var theta = Unsafe.Read<Vector<float>>(p);
            var grad = Prologue.Apply(Unsafe.Read<Vector<float>>(g), ref theta);
            var sum = TorchOps.AddCMul(Unsafe.Read<Vector<float>>(s), grad, grad, 1f);
            Unsafe.Write(s, sum);
            var std = Vector.SquareRoot(sum) + new Vector<float>(Eps);
            Unsafe.Write(p, TorchOps.AddCDiv(theta, grad, std, NegativeClr));
        }
    }
}
