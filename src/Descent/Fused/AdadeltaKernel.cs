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
    public readonly struct Constants : IVectorStep
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

        /// <summary>One vector of the rule (see <see cref="IVectorStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(float* p, float* g, float* s, float* a, float* unused)
        {
            var eps = new Vector<float>(Eps);
            var theta = Unsafe.Read<Vector<float>>(p);
            var grad = Prologue.Apply(Unsafe.Read<Vector<float>>(g), ref theta);
            var square = TorchOps.AddCMul(Unsafe.Read<Vector<float>>(s) * Rho, grad, grad, OneMinusRho);
            Unsafe.Write(s, square);
            var std = Vector.SquareRoot(square + eps);
            var accumulated = Unsafe.Read<Vector<float>>(a);
            var delta = Vector.SquareRoot(accumulated + eps) / std * grad;
            Unsafe.Write(a, TorchOps.AddCMul(accumulated * Rho, delta, delta, OneMinusRho));
            Unsafe.Write(p, TorchOps.Add(theta, delta, NegativeLr));
        }
    }
}
