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
    public readonly struct Constants
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
    }

    /// <summary>Updates n elements.</summary>
    public static void Run(float* param, float* grad, float* sum, long n, Constants c)
    {
        var (p, g, s) = ((IntPtr)param, (IntPtr)grad, (IntPtr)sum);
        Chunks.Run(n, (start, count) => Range((float*)p, (float*)g, (float*)s, start, start + count, c));
    }

    // Fully optimised from the first call: under tiered compilation the first calls would run unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range(float* p, float* g, float* s, long i, long end, Constants c)
    {
        var width = Vector<float>.Count;
        for (; i + width <= end; i += width) {
            var theta = Unsafe.Read<Vector<float>>(p + i);
            var grad = c.Prologue.Apply(Unsafe.Read<Vector<float>>(g + i), ref theta);
            var sum = TorchOps.AddCMul(Unsafe.Read<Vector<float>>(s + i), grad, grad, 1f);
            Unsafe.Write(s + i, sum);
            var std = Vector.SquareRoot(sum) + new Vector<float>(c.Eps);
            Unsafe.Write(p + i, TorchOps.AddCDiv(theta, grad, std, c.NegativeClr));
        }
        for (; i < end; i++) {
            var theta = p[i];
            var grad = c.Prologue.Apply(g[i], ref theta);
            var sum = TorchOps.AddCMul(s[i], grad, grad, 1f);
            s[i] = sum;
            var std = MathF.Sqrt(sum) + c.Eps;
            p[i] = TorchOps.AddCDiv(theta, grad, std, c.NegativeClr);
        }
    }
}
