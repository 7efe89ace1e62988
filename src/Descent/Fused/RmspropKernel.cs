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
    public readonly struct Constants
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
    }

    /// <summary>
    /// Updates n elements; <paramref name="gradAverage"/> is used only when centered, <paramref name="buffer"/> only
    /// with momentum.
    /// </summary>
    public static void Run(float* param, float* grad, float* squareAverage, float* gradAverage, float* buffer, long n, Constants c)
    {
        var (p, g, s, a, b) = ((IntPtr)param, (IntPtr)grad, (IntPtr)squareAverage, (IntPtr)gradAverage, (IntPtr)buffer);
        Chunks.Run(n, (start, count) => Range((float*)p, (float*)g, (float*)s, (float*)a, (float*)b, start, start + count, c));
    }

    // Fully optimised from the first call: under tiered compilation the first calls would run unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range(float* p, float* g, float* s, float* a, float* b, long i, long end, Constants c)
    {
        var width = Vector<float>.Count;
        for (; i + width <= end; i += width) {
            var theta = Unsafe.Read<Vector<float>>(p + i);
            var grad = c.Prologue.Apply(Unsafe.Read<Vector<float>>(g + i), ref theta);
            var square = TorchOps.AddCMul(Unsafe.Read<Vector<float>>(s + i) * c.Alpha, grad, grad, c.OneMinusAlpha);
            Unsafe.Write(s + i, square);
            Vector<float> avg;
            if (c.Centered) {
                var mean = TorchOps.Add(Unsafe.Read<Vector<float>>(a + i) * c.Alpha, grad, c.OneMinusAlpha);
                Unsafe.Write(a + i, mean);
                avg = Vector.SquareRoot(TorchOps.AddCMul(square, mean, mean, -1f));
            } else {
                avg = Vector.SquareRoot(square);
            }
            avg += new Vector<float>(c.Eps);
            if (c.UsesMomentum) {
                var buffer = TorchOps.AddCDiv(Unsafe.Read<Vector<float>>(b + i) * c.Momentum, grad, avg, 1f);
                Unsafe.Write(b + i, buffer);
                Unsafe.Write(p + i, TorchOps.Add(theta, buffer, c.NegativeLr));
            } else {
                Unsafe.Write(p + i, TorchOps.AddCDiv(theta, grad, avg, c.NegativeLr));
            }
        }
        for (; i < end; i++) {
            var theta = p[i];
            var grad = c.Prologue.Apply(g[i], ref theta);
            var square = TorchOps.AddCMul(s[i] * c.Alpha, grad, grad, c.OneMinusAlpha);
            s[i] = square;
            float avg;
            if (c.Centered) {
                var mean = TorchOps.Add(a[i] * c.Alpha, grad, c.OneMinusAlpha);
                a[i] = mean;
                avg = MathF.Sqrt(TorchOps.AddCMul(square, mean, mean, -1f));
            } else {
                avg = MathF.Sqrt(square);
            }
            avg += c.Eps;
            if (c.UsesMomentum) {
                var buffer = TorchOps.AddCDiv(b[i] * c.Momentum, grad, avg, 1f);
                b[i] = buffer;
                p[i] = TorchOps.Add(theta, buffer, c.NegativeLr);
            } else {
                p[i] = TorchOps.AddCDiv(theta, grad, avg, c.NegativeLr);
            }
        }
    }
}
