using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// RMSprop (Tieleman &amp; Hinton 2012; centered: Graves 2013) with momentum, in one pass over θ, g, the squared
/// average and, when used, the gradient average and the momentum buffer; the same operations in the same order as
/// <see cref="Optimizers.RMSprop"/>'s tensor rule, rounded as libtorch rounds them (<see cref="TorchOps"/>).
/// </summary>
internal static unsafe class RmspropKernel
{
    /// <summary>The per-step constants, rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants : IVectorStep
    {
        public Constants(double alpha, double eps, double momentum, bool centered, double lr, Prologue prologue)
        {
            Alpha = (float)alpha;
            OneMinusAlpha = (float)(1 - alpha);
            Eps = (float)eps;
            Momentum = (float)momentum;
            UsesMomentum = momentum > 0;
            Centered = centered;
            NegativeLr = (float)-lr;
            Prologue = prologue;
        }

        public float Alpha { get; }
        public float OneMinusAlpha { get; }
        public float Eps { get; }
        public float Momentum { get; }
        public bool UsesMomentum { get; }
        public bool Centered { get; }
        public float NegativeLr { get; }
        public Prologue Prologue { get; }

        /// <summary>One vector of the rule (see <see cref="IVectorStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(float* p, float* g, float* s, float* a, float* b)
        {
            var theta = Unsafe.Read<Vector<float>>(p);
            var grad = Prologue.Apply(Unsafe.Read<Vector<float>>(g), ref theta);
            var square = TorchOps.AddCMul(Unsafe.Read<Vector<float>>(s) * Alpha, grad, grad, OneMinusAlpha);
            Unsafe.Write(s, square);
            Vector<float> avg;
            if (Centered) {
                var mean = TorchOps.Add(Unsafe.Read<Vector<float>>(a) * Alpha, grad, OneMinusAlpha);
                Unsafe.Write(a, mean);
                avg = Vector.SquareRoot(TorchOps.AddCMul(square, mean, mean, -1f));
            } else {
                avg = Vector.SquareRoot(square);
            }
            avg += new Vector<float>(Eps);
            if (UsesMomentum) {
                var buffer = TorchOps.AddCDiv(Unsafe.Read<Vector<float>>(b) * Momentum, grad, avg, 1f);
                Unsafe.Write(b, buffer);
                Unsafe.Write(p, TorchOps.Add(theta, buffer, NegativeLr));
            } else {
                Unsafe.Write(p, TorchOps.AddCDiv(theta, grad, avg, NegativeLr));
            }
        }
    }
}
