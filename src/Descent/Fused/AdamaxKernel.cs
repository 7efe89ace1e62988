using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// Adamax (Kingma &amp; Ba 2015, Algorithm 2) in one pass over θ, g, m and the infinity-norm average u:
/// m ← β1·m + (1 − β1)·g, u ← max(β2·u, |g| + ε), θ ← θ − (lr/(1 − β1ᵗ))·m/u; the same operations in the same order
/// as <see cref="Optimizers.Adamax"/>'s tensor rule, rounded as libtorch rounds them (<see cref="TorchOps"/>).
/// </summary>
internal static unsafe class AdamaxKernel
{
    /// <summary>The per-step constants, computed in double and rounded to float32 as libtorch rounds Scalars.</summary>
    public readonly struct Constants
    {
        public Constants(double beta1, double beta2, double eps, double lr, long step, Prologue prologue)
        {
            Moments = new Moments(beta1, beta2);
            Eps = (float)eps;
            NegativeClr = (float)-(lr / (1 - Math.Pow(beta1, step)));
            Prologue = prologue;
        }

        public Moments Moments { get; }
        public float Eps { get; }

        /// <summary>−lr/(1 − β1ᵗ).</summary>
        public float NegativeClr { get; }
        public Prologue Prologue { get; }
    }

    /// <summary>Updates n elements.</summary>
    public static void Run(float* param, float* grad, float* first, float* infinity, long n, Constants c)
    {
        var (p, g, m, u) = ((IntPtr)param, (IntPtr)grad, (IntPtr)first, (IntPtr)infinity);
        Chunks.Run(n, (start, count) => Range((float*)p, (float*)g, (float*)m, (float*)u, start, start + count, c));
    }

    // Fully optimised from the first call: under tiered compilation the first calls would run unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range(float* p, float* g, float* m, float* u, long i, long end, Constants c)
    {
        var width = Vector<float>.Count;
        for (; i + width <= end; i += width) {
            var theta = Unsafe.Read<Vector<float>>(p + i);
            var grad = c.Prologue.Apply(Unsafe.Read<Vector<float>>(g + i), ref theta);
            var first = c.Moments.First(Unsafe.Read<Vector<float>>(m + i), grad);
            var norm = Vector.Max(Unsafe.Read<Vector<float>>(u + i) * c.Moments.Beta2, Vector.Abs(grad) + new Vector<float>(c.Eps));
            Unsafe.Write(m + i, first);
            Unsafe.Write(u + i, norm);
            Unsafe.Write(p + i, TorchOps.AddCDiv(theta, first, norm, c.NegativeClr));
        }
        for (; i < end; i++) {
            var theta = p[i];
            var grad = c.Prologue.Apply(g[i], ref theta);
            var first = c.Moments.First(m[i], grad);
            var norm = MathF.Max(u[i] * c.Moments.Beta2, MathF.Abs(grad) + c.Eps);
            m[i] = first;
            u[i] = norm;
            p[i] = TorchOps.AddCDiv(theta, first, norm, c.NegativeClr);
        }
    }
}
