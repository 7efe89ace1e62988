using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;
using Descent.Orthogonalization;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static Descent.Tests.Support.Vectors;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Optimizers;

/// <summary>
/// AdaGO, ROOT and Dion against optimizer-specs §19, §22 and §23. AdaGO's expected directions are Muon's fp64
/// Newton–Schulz of the bias-corrected momentum written out by hand; ROOT's vectors use diagonal gradients, whose
/// Newton–Schulz image is the scalar polynomial map of each normalized singular value, so a whole step is closed-form;
/// Dion is checked through its defining properties (at full rank the error feedback leaves exactly μ·(M + G), the new Q
/// has unit columns, the QR methods agree, a low-rank factor leaves the unprojected residual in M).
/// </summary>
public class MatrixFamily2HandVectorTests
{
    private const double Fp64 = 1e-12;

    // ---------------------------------------------------------------- AdaGO (§19)

    private static readonly double[] s_adagoTheta0 = { 0.5, -1, 1.5, 2, -0.25, 0.75 };
    private static readonly double[] s_adagoG1 = { 3, 0, 0, 4, 0, 0 };
    private static readonly double[] s_adagoG2 = { 0, 1, 2, 0, 0, 0 };

    [Fact]
    public void AdaGOSpecVectorStepSizesAreLrOverRootTwoThenRootThree()
    {
        TorchSetup.Deterministic();
        var p = Matrix(3, 2, s_adagoTheta0);
        using var optimizer = new AdaGO(new[] { p }, lr: 0.1, ns_dtype: ScalarType.Float64);
        var scale = Math.Sqrt(1.5); // √max(1, 3/2) for a tall 3×2 weight.

        // Step 1: ‖G‖ = 5 > γ = 1, so c = 1, v² = 1 + 1 = 2, η₁ = lr/√2; μ̂₁ = 0.05·G/(1 − 0.95) = G.
        Step(optimizer, p, s_adagoG1);
        var o1 = MuonNs64(Mat(3, 2, s_adagoG1));
        AssertClose(new[] { 0.7228762, 0, 0, 1.1192039, 0, 0 }, o1, 1e-6); // §16's O for σ = 0.6, 0.8.
        var theta1 = Mat(3, 2, s_adagoTheta0) - (0.1 / Math.Sqrt(2) * scale * o1);
        AssertClose(Values(theta1), p, Fp64);
        Assert.Equal(2.0, optimizer.StateOf(p)["v_sq"].item<double>(), 12);

        // Step 2: ‖G₂‖ = √5 ≥ 1, v² = 3, η₂ = lr/√3; μ₂ = 0.95·0.05·G₁ + 0.05·G₂, μ̂₂ = μ₂/(1 − 0.95²).
        Step(optimizer, p, s_adagoG2);
        var mu2 = (Mat(3, 2, s_adagoG1) * (0.95 * 0.05)) + (Mat(3, 2, s_adagoG2) * 0.05);
        var theta2 = theta1 - (0.1 / Math.Sqrt(3) * scale * MuonNs64(mu2 / (1 - (0.95 * 0.95))));
        AssertClose(Values(theta2), p, Fp64);
        Assert.Equal(3.0, optimizer.StateOf(p)["v_sq"].item<double>(), 12);
        AssertClose(Values(mu2), optimizer.StateOf(p)["momentum_buffer"], Fp64);
    }

    [Fact]
    public void AdaGONesterovBlendsBiasCorrectedMomentumAndGradient()
    {
        TorchSetup.Deterministic();
        var p = Matrix(3, 2, s_adagoTheta0);
        using var optimizer = new AdaGO(new[] { p }, lr: 0.1, nesterov: true, ns_dtype: ScalarType.Float64);
        var scale = Math.Sqrt(1.5);
        var (g1, g2) = (Mat(3, 2, s_adagoG1), Mat(3, 2, s_adagoG2));

        // μ̂ₜ = β·μₜ/(1 − βᵗ⁺¹) + (1 − β)·Gₜ/(1 − βᵗ): at t = 1, 0.95·0.05·G/(1 − 0.95²) + 0.05·G/0.05.
        Step(optimizer, p, s_adagoG1);
        var mu1 = g1 * 0.05;
        var theta1 = Mat(3, 2, s_adagoTheta0)
            - (0.1 / Math.Sqrt(2) * scale * MuonNs64((mu1 * (0.95 / (1 - Math.Pow(0.95, 2)))) + (g1 * (0.05 / (1 - 0.95)))));
        AssertClose(Values(theta1), p, Fp64);

        Step(optimizer, p, s_adagoG2);
        var mu2 = (mu1 * 0.95) + (g2 * 0.05);
        var hat2 = (mu2 * (0.95 / (1 - Math.Pow(0.95, 3)))) + (g2 * (0.05 / (1 - Math.Pow(0.95, 2))));
        AssertClose(Values(theta1 - (0.1 / Math.Sqrt(3) * scale * MuonNs64(hat2))), p, Fp64);
    }

    [Fact]
    public void AdaGOClipsOnlyAboveGammaAndFloorsTheStep()
    {
        TorchSetup.Deterministic();
        var g = new[] { 0, 0.3, 0.3, 0, 0, 0 }; // ‖G‖ = 0.3·√2 < γ = 1: no clipping, v² = 1 + 0.18.
        var p = Matrix(3, 2, s_adagoTheta0);
        using var small = new AdaGO(new[] { p }, lr: 0.1, ns_dtype: ScalarType.Float64);
        Step(small, p, g);
        var eta = 0.1 * 0.3 * Math.Sqrt(2) / Math.Sqrt(1.18);
        AssertClose(Values(Mat(3, 2, s_adagoTheta0) - (eta * Math.Sqrt(1.5) * MuonNs64(Mat(3, 2, g)))), p, Fp64);

        var q = Matrix(3, 2, s_adagoTheta0); // γ = ∞: c = ‖G‖ = 5, v² = 26.
        using var unclipped = new AdaGO(new[] { q }, lr: 0.1, gamma: double.PositiveInfinity, ns_dtype: ScalarType.Float64);
        Step(unclipped, q, s_adagoG1);
        eta = 0.1 * 5 / Math.Sqrt(26);
        AssertClose(Values(Mat(3, 2, s_adagoTheta0) - (eta * Math.Sqrt(1.5) * MuonNs64(Mat(3, 2, s_adagoG1)))), q, Fp64);

        var r = Matrix(3, 2, s_adagoTheta0); // lr·c/v = 1e-9/√2 < min_step_size: η = 1e-6.
        using var floored = new AdaGO(new[] { r }, lr: 1e-9, ns_dtype: ScalarType.Float64);
        Step(floored, r, s_adagoG1);
        AssertClose(Values(Mat(3, 2, s_adagoTheta0) - (1e-6 * Math.Sqrt(1.5) * MuonNs64(Mat(3, 2, s_adagoG1)))), r, Fp64);
    }

    [Fact]
    public void AdaGOWithZeroLearningRateStaysPutButStillAccumulates()
    {
        TorchSetup.Deterministic();
        var p = Matrix(3, 2, s_adagoTheta0);
        using var optimizer = new AdaGO(new[] { p }, lr: 0);
        Step(optimizer, p, s_adagoG1);
        AssertClose(s_adagoTheta0, p, 0);
        Assert.Equal(2.0, optimizer.StateOf(p)["v_sq"].item<double>(), 12);
    }

    // ---------------------------------------------------------------- ROOT (§22)

    [Fact]
    public void RootQuantileOfOneToTenIsNinePointOne()
    {
        using var u = arange(1, 11, dtype: ScalarType.Float64);
        Assert.Equal(9.1, ROOT.Quantile(u, 0.9).item<double>(), 12); // position 0.9·9 = 8.1: 9 + 0.1·(10 − 9).
        Assert.Equal(2.5, ROOT.Quantile(arange(1, 5, dtype: ScalarType.Float64), 0.5).item<double>(), 12);
        Assert.Equal(10.0, ROOT.Quantile(u, 1.0).item<double>(), 12);
        Assert.Equal(1.0, ROOT.Quantile(u, 0.0).item<double>(), 12);
    }

    [Fact]
    public void RootQuantileIsNotLimitedToTwoToTheTwentyFourElements()
    {
        var count = (1L << 24) + 11;
        using var values = arange(count, dtype: ScalarType.Float64).flip(0);
        Assert.Equal(0.9 * (count - 1), ROOT.Quantile(values, 0.9).item<double>(), 6);
    }

    [Fact]
    public void RootClampsOneToTenAtItsQuantileBeforeOrthogonalizing()
    {
        TorchSetup.Deterministic();
        var g = Enumerable.Range(1, 10).Select(i => (double)i).ToArray();
        var theta0 = Enumerable.Range(0, 10).Select(i => 0.1 * i).ToArray();
        var p = Matrix(1, 10, theta0);
        using var optimizer = new ROOT(new[] { p }, lr: 0.01, momentum: 0, nesterov: false);
        Step(optimizer, p, g);
        // U = G; ε = 9.1 + 1e-9; B = [1, …, 9, ε]. A 1×10 matrix has one singular value, so NS(B) = Map(σ)·B/‖B‖ with
        // σ = ‖B‖/(‖B‖ + 1e-7); (1, 10) is not in ROOT's table, so the map is Keller's. lr_adj = lr·0.2·√10.
        var b = g.Take(9).Append(9.1 + 1e-9).ToArray();
        var norm = Math.Sqrt(b.Sum(x => x * x));
        var map = NewtonSchulzCoefficients.KellerQuintic.Map(norm / (norm + 1e-7), 5);
        var expected = theta0.Zip(b, (t, x) => (t * (1 - (0.01 * 0.1))) - (0.01 * 0.2 * Math.Sqrt(10) * map * x / norm)).ToArray();
        AssertClose(expected, p, Fp64);
    }

    [Fact]
    public void RootTwoFullStepsByHand()
    {
        TorchSetup.Deterministic();
        var theta0 = new[] { 1, -2, 0.5, 0.25, 3, -1 };
        var p = Matrix(2, 3, theta0);
        using var optimizer = new ROOT(new[] { p }, lr: 0.01);
        var (decay, rate) = (1 - (0.01 * 0.1), 0.01 * 0.2 * Math.Sqrt(3));
        var keller = NewtonSchulzCoefficients.KellerQuintic;

        // Step 1: M = G = diag(3, 4); U = G + 0.95·M = diag(5.85, 7.8). |U| sorted = [0, 0, 0, 0, 5.85, 7.8], position
        // 0.9·5 = 4.5 → ε = 5.85 + 0.5·(7.8 − 5.85) + 1e-9 = 6.825 + 1e-9, so B = diag(5.85, ε). B·Bᵀ is diagonal, so
        // Newton–Schulz maps each normalized diagonal entry by Keller's polynomial ((2, 3) is not in the table).
        Step(optimizer, p, 3, 0, 0, 0, 4, 0);
        var (u1, u2) = (3 + (0.95 * 3), 4 + (0.95 * 4));
        var epsilon = u1 + (0.5 * (u2 - u1)) + 1e-9;
        var theta1 = Diagonal2x3(theta0, decay, rate, keller, u1, epsilon);
        AssertClose(theta1, p, Fp64);

        // Step 2: M = 0.95·diag(3, 4) + diag(1, −2) = diag(3.85, 1.8); U = G + 0.95·M = diag(4.6575, −0.29);
        // ε = 0.29 + 0.5·(4.6575 − 0.29) + 1e-9 → B = diag(ε, −0.29).
        Step(optimizer, p, 1, 0, 0, 0, -2, 0);
        var (m1, m2) = ((0.95 * 3) + 1, (0.95 * 4) - 2);
        AssertClose(new[] { m1, 0, 0, 0, m2, 0 }, optimizer.StateOf(p)["momentum_buffer"], Fp64);
        var (v1, v2) = (1 + (0.95 * m1), -2 + (0.95 * m2));
        epsilon = Math.Abs(v2) + (0.5 * (v1 - Math.Abs(v2))) + 1e-9;
        AssertClose(Diagonal2x3(theta1, decay, rate, keller, epsilon, v2), p, Fp64);
    }

    [Fact]
    public void RootCoefficientTableIsKeyedByMinAndMaxDimension()
    {
        Assert.Equal((2.9794, -3.6674, 1.6207), RootCoefficients.For(2048, 8192).At(0));
        Assert.Equal((2.9794, -3.6674, 1.6207), RootCoefficients.For(8192, 2048).At(0));
        Assert.Equal((3.4916, -4.8224, 2.1095), RootCoefficients.For(2048, 2048).At(0));
        Assert.Equal((3.1943, -3.8221, 1.5322), RootCoefficients.For(16384, 2048).At(0));
        Assert.Equal((3.4509, -4.5790, 1.9325), RootCoefficients.For(2048, 3072).At(0));
        Assert.Same(NewtonSchulzCoefficients.KellerQuintic, RootCoefficients.For(2048, 4096));
        Assert.Same(NewtonSchulzCoefficients.KellerQuintic, RootCoefficients.For(3, 2));
        Assert.Equal(4, RootCoefficients.TunedShapes.Count());
        Assert.All(RootCoefficients.TunedShapes, s => Assert.Equal(5, RootCoefficients.For(s.Min, s.Max).Steps));
    }

    [Fact]
    public void RootFallbackTakesRootsLearningRateUnlessGivenItsOwn()
    {
        var (w, b) = (new Parameter(ones(3, 2)), new Parameter(ones(3)));
        using var same = new ROOT(new[] { w, b }, lr: 3e-3);
        Assert.Equal(3e-3, same.Plan().Rows[1].LearningRate);
        Assert.Equal(3e-3 * 0.2 * Math.Sqrt(3), same.Plan().Rows[0].LearningRate, 15);
        using var own = new ROOT(new[] { new Parameter(ones(3, 2)), new Parameter(ones(3)) }, lr: 3e-3, fallback_lr: 1e-4);
        Assert.Equal(1e-4, own.Plan().Rows[1].LearningRate);
    }

    // ---------------------------------------------------------------- Dion (§23)

    [Theory]
    [InlineData(5, 3)]
    [InlineData(3, 5)]
    public void DionAtFullRankKeepsExactlyMuTimesMomentumPlusGradient(int rows, int cols)
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(7);
        var p = new Parameter(randn(rows, cols, dtype: ScalarType.Float64, generator: generator));
        using var optimizer = new Dion(new[] { p }, lr: 0.1, weight_decay: 0);
        var state = optimizer.StateOf(p);
        var rank = Math.Min(rows, cols);
        Assert.Equal(new long[] { rank, rank }, state["Q"].shape); // (n × r) tall, (m × r) wide: the smaller side.
        var momentum = zeros(rows, cols, dtype: ScalarType.Float64);
        for (var step = 0; step < 3; step++) {
            var before = p.detach().clone();
            var g = randn(rows, cols, dtype: ScalarType.Float64, generator: generator);
            p.grad = g;
            optimizer.step();
            momentum = (momentum + g) * 0.95;
            AssertClose(Values(momentum), state["momentum"], 1e-10);
            AssertClose(Enumerable.Repeat(1.0, rank).ToArray(), linalg.vector_norm(state["Q"], 2, new long[] { 0 }), 1e-7);
            // The update lr·√(m/n)·P·Qᵀ has ‖P·Qᵀ‖²_F = ‖Q‖²_F = r: P has orthonormal columns and Q unit ones.
            var update = (before - p.detach()) / (0.1 * Math.Sqrt((double)rows / cols));
            Assert.Equal(rank, update.square().sum().item<double>(), 6);
        }
    }

    [Theory]
    [InlineData(QrMethod.CholeskyQr, 1.0)]
    [InlineData(QrMethod.RandomizedCholeskyQr, 1.0)]
    [InlineData(QrMethod.CholeskyQr, 0.5)]
    [InlineData(QrMethod.RandomizedCholeskyQr, 0.5)]
    public void DionQrMethodsAgreeWithHouseholder(QrMethod method, double rankFraction)
    {
        foreach (var (rows, cols) in new[] { (6, 4), (4, 6) }) {
            TorchSetup.Deterministic();
            using var generator = new Generator(11);
            var theta0 = randn(rows, cols, dtype: ScalarType.Float64, generator: generator);
            var (a, b) = (new Parameter(theta0.clone()), new Parameter(theta0.clone()));
            using var householder = new Dion(new[] { a }, rank_fraction: rankFraction, qr_method: QrMethod.Qr);
            using var other = new Dion(new[] { b }, rank_fraction: rankFraction, qr_method: method, cqr_warmup_steps: 0);
            AssertClose(Values(householder.StateOf(a)["Q"]), other.StateOf(b)["Q"], 0); // same seeded draws
            for (var step = 0; step < 3; step++) {
                var g = randn(rows, cols, dtype: ScalarType.Float64, generator: generator);
                (a.grad, b.grad) = (g, g.clone());
                householder.step();
                other.step();
                // P differs at most by column signs, which cancel in P·Rᵀ and P·Qᵀ.
                AssertClose(Values(a), b, 1e-9);
                AssertClose(Values(householder.StateOf(a)["momentum"]), other.StateOf(b)["momentum"], 1e-9);
            }
        }
    }

    [Theory]
    [InlineData(6, 4)]
    [InlineData(4, 6)]
    public void DionAtLowRankStepsAlongPQTransposedAndLeavesTheUnprojectedResidualInMomentum(int rows, int cols)
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(5);
        var p = new Parameter(randn(rows, cols, dtype: ScalarType.Float64, generator: generator));
        using var optimizer = new Dion(new[] { p }, rank_fraction: 0.5, weight_decay: 0);
        var state = optimizer.StateOf(p);
        Assert.Equal(new long[] { 4, 2 }, state["Q"].shape);
        for (var step = 0; step < 3; step++) {
            var q = state["Q"].clone();
            var g = randn(rows, cols, dtype: ScalarType.Float64, generator: generator);
            var sum = state["momentum"].clone() + g;
            // In the working orientation B (M, or Mᵀ when wide), P spans B·Q; the captured part is Π·B with
            // Π = P·Pᵀ the projection onto that span, and only it decays: M ← B − (1 − μ)·Π·B.
            var target = rows < cols ? sum.t() : sum;
            var basis = linalg.qr(target.matmul(q)).Q;
            var kept = target - (basis.matmul(basis.t()).matmul(target) * 0.05);
            // The step: Q' = R/(‖R‖ + ε) column-wise with R = Bᵀ·P, and θ ← θ − lr·√(m/n)·P·Q'ᵀ (transposed back when
            // wide). A column of P may have either sign; its Q' column flips with it, so the product does not.
            var r = target.t().matmul(basis);
            var next = r / (linalg.vector_norm(r, 2, new long[] { 0 }, keepdim: true) + 1e-8);
            var update = basis.matmul(next.t());
            var expected = p.detach() - (0.01 * Math.Sqrt((double)rows / cols) * (rows < cols ? update.t() : update));
            p.grad = g;
            optimizer.step();
            AssertClose(Values(rows < cols ? kept.t() : kept), state["momentum"], 1e-10);
            AssertClose(Values(expected), p, 1e-12);
        }
    }

    [Theory]
    [InlineData(QrMethod.Qr)]
    [InlineData(QrMethod.CholeskyQr)]
    [InlineData(QrMethod.RandomizedCholeskyQr)]
    public void DionZeroGradientGivesZeroUpdateAndKeepsQ(QrMethod method)
    {
        TorchSetup.Deterministic();
        var theta0 = new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.0 };
        var p = Matrix(4, 3, theta0);
        using var optimizer = new Dion(new[] { p }, weight_decay: 0, qr_method: method, cqr_warmup_steps: 0);
        var state = optimizer.StateOf(p);
        var q0 = state["Q"].clone();
        Step(optimizer, p, new double[12]);
        AssertClose(theta0, p, 0);
        AssertClose(new double[12], state["momentum"], 0);
        // The guard keeps Q, which the column normalization then scales to unit columns.
        AssertClose(Values(q0 / (linalg.vector_norm(q0, 2, new long[] { 0 }, keepdim: true) + 1e-8)), state["Q"], Fp64);
        var q1 = state["Q"].clone();
        Step(optimizer, p, new double[12]);
        AssertClose(theta0, p, 0);
        AssertClose(Values(q1), state["Q"], 1e-7);
    }

    [Fact]
    public void CholeskyQrFallsBackToRandomizedCholeskyQrWhenTheFactorizationFails()
    {
        TorchSetup.Deterministic();
        // Columns 1e-4 apart: in float32, PᵀP = [[1, 1], [1, 1 + 1e-8]] rounds to a singular matrix, so Cholesky fails,
        // while P itself has full rank and randomized Cholesky QR (which never forms PᵀP of P) handles it.
        var p = tensor(new[] { 1f, 1f, 0f, 1e-4f, 0f, 0f, 0f, 0f }, new long[] { 4, 2 });
        var (_, info) = linalg.cholesky_ex(p.t().matmul(p));
        Assert.NotEqual(0, info.item<int>());
        using var sketch = new Generator(1);
        var q = QrOrthonormalizer.Orthonormalize(p, QrMethod.CholeskyQr, sketchGenerator: sketch);
        Assert.Equal(ScalarType.Float32, q.dtype);
        Assert.True(PolarFactor.OrthogonalityError(q) < 1e-3, $"QᵀQ is {q.t().matmul(q).str()}");
        AssertClose(Values(p), q.matmul(q.t()).matmul(p), 1e-5); // span(Q) = span(P)
    }

    [Fact]
    public void DionRankIsRoundedUpToItsMultipleAndCappedBySize()
    {
        Assert.Equal(4, Dion.Rank(6, 4, 1.0, 1));
        Assert.Equal(2, Dion.Rank(6, 4, 0.5, 1));
        Assert.Equal(1, Dion.Rank(6, 4, 0.1, 1));
        Assert.Equal(4, Dion.Rank(6, 4, 0.25, 4));
        Assert.Equal(3, Dion.Rank(3, 100, 0.5, 8));
    }

    // ---------------------------------------------------------------- all three

    public static IEnumerable<object[]> Family() => new[] { "AdaGO", "ROOT", "Dion" }.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Family))]
    public void DecoupledWeightDecayUsesThePlainLearningRate(string name)
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(3);
        var theta0 = randn(3, 2, dtype: ScalarType.Float64, generator: generator);
        var g = randn(3, 2, dtype: ScalarType.Float64, generator: generator);
        var (decayed, plain) = (new Parameter(theta0.clone()), new Parameter(theta0.clone()));
        using var withDecay = Problems.Build(name, new[] { decayed }, ("lr", 0.1), ("weight_decay", 0.5));
        using var without = Problems.Build(name, new[] { plain }, ("lr", 0.1), ("weight_decay", 0.0));
        (decayed.grad, plain.grad) = (g, g.clone());
        withDecay.step();
        without.step();
        // θ·(1 − lr·λ) − Δ = (θ − Δ) − lr·λ·θ: the decay is not multiplied by the shape scale (≠ 1 for 3×2 here).
        AssertClose(Values(plain.detach() - (theta0 * 0.05)), decayed, Fp64);
    }

    [Theory]
    [MemberData(nameof(Family))]
    public void StepNeverWritesTheGradient(string name)
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(4);
        var p = new Parameter(randn(3, 2, dtype: ScalarType.Float64, generator: generator));
        using var optimizer = Problems.Build(name, new[] { p }, ("lr", 0.1));
        var g = randn(3, 2, dtype: ScalarType.Float64, generator: generator);
        var copy = g.clone();
        for (var step = 0; step < 2; step++) {
            p.grad = g;
            optimizer.step();
            AssertClose(Values(copy), g, 0);
        }
    }

    [Theory]
    [MemberData(nameof(Family))]
    public void ConvolutionKernelsAreFlattenedToOutByInTimesKernel(string name)
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(9);
        var theta0 = randn(4, 2, 3, 3, dtype: ScalarType.Float64, generator: generator);
        var (kernel, flat) = (new Parameter(theta0.clone()), new Parameter(theta0.reshape(4, 18).clone()));
        using var onKernel = Problems.Build(name, new[] { kernel }, ("lr", 0.1));
        using var onFlat = Problems.Build(name, new[] { flat }, ("lr", 0.1));
        Assert.Equal((4L, 18L), MatrixOptimizer<Dion.Options>.MatrixShape(kernel));
        for (var step = 0; step < 2; step++) {
            var g = randn(4, 2, 3, 3, dtype: ScalarType.Float64, generator: generator);
            (kernel.grad, flat.grad) = (g, g.reshape(4, 18).clone());
            onKernel.step();
            onFlat.step();
            AssertClose(Values(flat), kernel, Fp64);
        }
        var state = onKernel.StateOf(kernel);
        if (name == "Dion") {
            Assert.Equal(new long[] { 4, 4 }, state["Q"].shape); // wide 4×18: transposed, Q is (m × r)
        }
        if (name == "AdaGO") {
            Assert.Empty(state["v_sq"].shape);
        }
    }

    [Theory]
    [InlineData("AdaGO", "gamma", 0.0)]
    [InlineData("AdaGO", "gamma", -1.0)]
    [InlineData("AdaGO", "gamma", double.NaN)]
    [InlineData("AdaGO", "min_step_size", -1e-6)]
    [InlineData("AdaGO", "initial_accumulator_value", 0.0)]
    [InlineData("AdaGO", "initial_accumulator_value", double.PositiveInfinity)]
    [InlineData("AdaGO", "momentum", 1.0)]
    [InlineData("ROOT", "ns_steps", 0)]
    [InlineData("ROOT", "ns_dtype", "Int32")]
    [InlineData("ROOT", "momentum", -0.1)]
    [InlineData("Dion", "rank_fraction", 0.0)]
    [InlineData("Dion", "rank_fraction", 1.5)]
    [InlineData("Dion", "rank_multiple_of", 0)]
    [InlineData("Dion", "power_iters", 0)]
    [InlineData("Dion", "qr_method", "7")]
    [InlineData("Dion", "cqr_warmup_steps", -1)]
    [InlineData("Dion", "rcqr_oversample", 0.5)]
    [InlineData("Dion", "epsilon", 0.0)]
    public void InvalidHyperparameterThrowsNamingIt(string optimizer, string name, object value)
    {
        var p = new Parameter(ones(3, 2, dtype: ScalarType.Float64));
        var error = Assert.Throws<ArgumentException>(() =>
            OptimizerCatalog.Get(optimizer).Create(new[] { p }, new Dictionary<string, object> { [name] = value }));
        Assert.Contains(name, error.Message);
    }

    // ---------------------------------------------------------------- helpers

    private static Parameter Matrix(long rows, long cols, double[] values) => new(Mat(rows, cols, values));

    private static Tensor Mat(long rows, long cols, double[] values) => tensor(values, new[] { rows, cols }, ScalarType.Float64);

    // Muon's orthogonalizer in fp64 with optax's ε = 1e-8.
    private static Tensor MuonNs64(Tensor update) =>
        new NewtonSchulz(NewtonSchulzCoefficients.KellerQuintic, 5, PreNormalization.Frobenius, 1e-8, ScalarType.Float64).Orthogonalize(update);

    // θ·decay − rate·NS(diag(b1, b2)) for a 2×3 θ: the diagonal's entries, normalized by ‖B‖_F + 1e-7, go through the
    // 5-step polynomial map (odd, so signs are kept).
    private static double[] Diagonal2x3(double[] theta, double decay, double rate, NewtonSchulzCoefficients set, double b1, double b2)
    {
        var norm = Math.Sqrt((b1 * b1) + (b2 * b2)) + 1e-7;
        var result = theta.Select(t => t * decay).ToArray();
        result[0] -= rate * set.Map(b1 / norm, 5);
        result[4] -= rate * set.Map(b2 / norm, 5);
        return result;
    }
}
