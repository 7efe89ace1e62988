using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// AdaDelta (Zeiler 2012, Algorithm 1, scaled by lr) in one pass over θ, g and the two averages:
/// s ← ρ·s + (1 − ρ)·g², Δ = √(a + ε)/√(s + ε)·g, a ← ρ·a + (1 − ρ)·Δ², θ ← θ − lr·Δ; the same operations in the same
/// order as <see cref="Optimizers.Adadelta"/>'s tensor rule, rounded as libtorch rounds them (<see cref="TorchOps"/>).
/// </summary>
internal static unsafe class AdadeltaKernel
{
    /// <summary>The per-step constants, rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants
    {
        public Constants(double rho, double eps, double lr, Prologue prologue)
        {
            Rho = (float)rho;
            OneMinusRho = (float)(1 - rho);
            Eps = (float)eps;
            NegativeLr = (float)-lr;
            Prologue = prologue;
        }

        public float Rho { get; }
        public float OneMinusRho { get; }
        public float Eps { get; }
        public float NegativeLr { get; }
        public Prologue Prologue { get; }
    }

    /// <summary>Updates n elements.</summary>
    public static void Run(float* param, float* grad, float* squareAverage, float* deltaAverage, long n, Constants c)
    {
        var (p, g, s, a) = ((IntPtr)param, (IntPtr)grad, (IntPtr)squareAverage, (IntPtr)deltaAverage);
        Chunks.Run(n, (start, count) => Range((float*)p, (float*)g, (float*)s, (float*)a, start, start + count, c));
    }

    // Fully optimised from the first call: under tiered compilation the first calls would run unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range(float* p, float* g, float* s, float* a, long i, long end, Constants c)
    {
        var width = Vector<float>.Count;
        var eps = new Vector<float>(c.Eps);
        for (; i + width <= end; i += width) {
            var theta = Unsafe.Read<Vector<float>>(p + i);
            var grad = c.Prologue.Apply(Unsafe.Read<Vector<float>>(g + i), ref theta);
            var square = TorchOps.AddCMul(Unsafe.Read<Vector<float>>(s + i) * c.Rho, grad, grad, c.OneMinusRho);
            Unsafe.Write(s + i, square);
            var std = Vector.SquareRoot(square + eps);
            var accumulated = Unsafe.Read<Vector<float>>(a + i);
            var delta = Vector.SquareRoot(accumulated + eps) / std * grad;
            Unsafe.Write(a + i, TorchOps.AddCMul(accumulated * c.Rho, delta, delta, c.OneMinusRho));
            Unsafe.Write(p + i, TorchOps.Add(theta, delta, c.NegativeLr));
        }
        for (; i < end; i++) {
            var theta = p[i];
            var grad = c.Prologue.Apply(g[i], ref theta);
            var square = TorchOps.AddCMul(s[i] * c.Rho, grad, grad, c.OneMinusRho);
            s[i] = square;
            var std = MathF.Sqrt(square + c.Eps);
            var accumulated = a[i];
            var delta = MathF.Sqrt(accumulated + c.Eps) / std * grad;
            a[i] = TorchOps.AddCMul(accumulated * c.Rho, delta, delta, c.OneMinusRho);
            p[i] = TorchOps.Add(theta, delta, c.NegativeLr);
        }
    }
}
