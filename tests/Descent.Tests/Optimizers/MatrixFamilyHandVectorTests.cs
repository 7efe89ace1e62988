using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;
using Descent.Orthogonalization;
using Descent.Tests.Support;
using Xunit;
using static Descent.Tests.Support.Vectors;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Optimizers;

/// <summary>
/// NorMuon, AdaMuon, Turbo-Muon, AuON and Hybrid-AuON against the hand vectors of optimizer-specs §17, §18, §20 and
/// §21. Every vector is run with Newton–Schulz in float64 (tolerance 2e-6: the spec's values have seven digits and
/// the pre-normalization's ε moves them by up to 1.1e-6) and again in bfloat16. In bfloat16 the spec's values hold to
/// 2e-2 only where they do not depend on Newton–Schulz's gain (AdaMuon) or start at σ = 1 (the rank-1 vector):
/// Keller's quintic amplifies rounding about fourfold per iteration near σ = 0.6, so bfloat16 NS5 of diag(0.6, 0.8)
/// gives (0.906, 1.141) here, and PyTorch 1.13 gives the same with this order of operations and (0.688, 1.109) with
/// Keller's, against (0.723, 1.119) exactly. For those vectors the bfloat16 run checks the rule's algebra on the
/// bfloat16 Newton–Schulz output instead. Parameters start at zero, so θ after one step is −lr·s·O and weight decay
/// cannot hide in it; the second steps of the two-step checks were worked out in float64, outside this code, from
/// the same equations (each derivation is sketched where it is used).
/// </summary>
public class MatrixFamilyHandVectorTests
{
    private const double Spec = 2e-6;
    private const double Exact = 1e-9;
    private const double Bf16 = 2e-2;
    private const double Lr = 0.1;

    // Muon's NS5 of diag(3, 4) (normalized σ = 0.6, 0.8) and of the rank-1 e₁e₁ᵀ, optimizer-specs §16.
    private const double MuonA = 0.7228762;
    private const double MuonB = 1.1192039;
    private const double MuonRank1 = 0.6964364;

    private static readonly string[] s_family = { "NorMuon", "AdaMuon", "TurboMuon", "AuON", "HybridAuON" };

    public static IEnumerable<object[]> Family() => s_family.Select(n => new object[] { n });

    public static IEnumerable<object[]> NewtonSchulzTypes() => new[] {
        new object[] { ScalarType.Float64, Spec },
        new object[] { ScalarType.BFloat16, Bf16 },
    };

    // ---------------------------------------------------------------- NorMuon (§17)

    [Fact]
    public void NorMuonSpecVector() => AssertNorMuonDiagonal(ScalarType.Float64, MuonA, MuonB, Spec);

    [Fact]
    public void NorMuonSpecVectorWithBFloat16NewtonSchulz()
    {
        var (a, b) = DiagonalNewtonSchulz(NewtonSchulz.Muon(ScalarType.BFloat16));
        AssertNorMuonDiagonal(ScalarType.BFloat16, a, b, Spec);
    }

    // O = diag(a, b); v = 0.05·(a²/3, b²/3); O/√v makes both rows √60·e_i; restoring ‖O‖_F = √(a² + b²) gives
    // √((a² + b²)/2) on both (0.9421166 for the float64 a, b); s(2, 3) = 1.
    private static void AssertNorMuonDiagonal(ScalarType nsType, double a, double b, double tolerance)
    {
        TorchSetup.Deterministic();
        var p = Zeros(2, 3);
        using var optimizer = Problems.Build("NorMuon", new[] { p }, ("lr", Lr), ("ns_dtype", nsType));
        Step(optimizer, p, 3, 0, 0, 0, 4, 0);
        var o = Math.Sqrt(((a * a) + (b * b)) / 2);
        if (nsType == ScalarType.Float64) {
            Assert.Equal(0.9421166, o, 6);
        }
        AssertClose(new[] { -Lr * o, 0, 0, 0, -Lr * o, 0 }, p, Lr * tolerance);
        var v = optimizer.StateOf(p)["second_momentum_buffer"];
        Assert.Equal(new long[] { 2, 1 }, v.shape);
        AssertClose(new[] { 0.05 * a * a / 3, 0.05 * b * b / 3 }, v, tolerance);
    }

    [Theory]
    [MemberData(nameof(NewtonSchulzTypes))]
    public void NorMuonEqualsMuonOnARank1Input(ScalarType nsType, double tolerance)
    {
        TorchSetup.Deterministic();
        var p = Zeros(2, 3);
        var q = Zeros(2, 3);
        using var normuon = Problems.Build("NorMuon", new[] { p }, ("lr", Lr), ("ns_dtype", nsType));
        using var muon = Problems.Build("Muon", new[] { q }, ("lr", Lr), ("ns_dtype", nsType));
        Step(normuon, p, 1, 0, 0, 0, 0, 0);
        Step(muon, q, 1, 0, 0, 0, 0, 0);
        // One nonzero row: the row normalization and the norm restore cancel, and the zero row stays zero.
        AssertClose(new[] { -Lr * MuonRank1, 0, 0, 0, 0, 0 }, p, Lr * tolerance);
        Assert.Equal(new long[] { 2, 1 }, normuon.StateOf(p)["second_momentum_buffer"].shape);
        AssertClose(Values(q), p, Exact);
    }

    [Fact]
    public void NorMuonSecondStepUsesTheRunningRowMoment()
    {
        TorchSetup.Deterministic();
        var p = Zeros(2, 3);
        using var optimizer = Problems.Build("NorMuon", new[] { p }, ("lr", Lr), ("ns_dtype", ScalarType.Float64));
        Step(optimizer, p, 3, 0, 0, 0, 4, 0);
        var first = Values(p);
        Step(optimizer, p, 1, 0, 2, 0, -1, 0);
        // M₂ = 0.95·M₁ + 0.05·G₂ = [[0.1925, 0, 0.1], [0, 0.14, 0]]; U₂ = 0.05·G₂ + 0.95·M₂ = [[0.232875, 0, 0.195],
        // [0, 0.083, 0]] has orthogonal rows, so NS5 maps each row's normalized norm by the quintic; then
        // v₂ = 0.95·v₁ + 0.05·mean_row(O₂²), the row division and the norm restore.
        AssertClose(new[] { 0.1925, 0, 0.1, 0, 0.14, 0 }, optimizer.StateOf(p)["momentum_buffer"], Exact);
        AssertClose(new[] { 0.017502181623234442, 0.02763770838265989 }, optimizer.StateOf(p)["second_momentum_buffer"], Exact);
        var update = new[] { 0.6254816714888006, 0, 0.5237527683964198, 0, 0.5970269716294074, 0 };
        AssertClose(first.Zip(update, (t, u) => t - (Lr * u)).ToArray(), p, Exact);
    }

    // ---------------------------------------------------------------- AdaMuon (§18)

    [Theory]
    [MemberData(nameof(NewtonSchulzTypes))]
    public void AdaMuonSpecVector(ScalarType nsType, double tolerance)
    {
        TorchSetup.Deterministic();
        var p = Zeros(2, 3);
        using var optimizer = Problems.Build("AdaMuon", new[] { p }, ("lr", Lr), ("ns_dtype", nsType));
        Step(optimizer, p, 3, 0, 0, 0, 4, 0);
        // sign(U) = e₁₁ + e₂₂ → NS5 gives c·sign(U), c = 1.1081111; v = 0.05·c²; Ô = ±1/√0.05 on the support; the
        // rescale to 0.2·√6 over two equal entries gives 0.2·√3 = 0.3464102 each (independent of c); s = 1 (None).
        AssertClose(new[] { -Lr * 0.3464102, 0, 0, 0, -Lr * 0.3464102, 0 }, p, Lr * tolerance);
        var c2 = 1.1081111 * 1.1081111;
        AssertClose(new[] { 0.05 * c2, 0, 0, 0, 0.05 * c2, 0 }, optimizer.StateOf(p)["exp_avg_sq"], tolerance);
    }

    [Fact]
    public void AdaMuonSecondStepUsesTheRunningElementMoment()
    {
        TorchSetup.Deterministic();
        var p = Zeros(2, 3);
        using var optimizer = Problems.Build("AdaMuon", new[] { p }, ("lr", Lr), ("ns_dtype", ScalarType.Float64),
            ("weight_decay", 0.0));
        Step(optimizer, p, 3, 0, 0, 0, 4, 0);
        var first = Values(p);
        Step(optimizer, p, 0, 0, 5, 0, 0, 0);
        // M₂ = [[0.1425, 0, 0.25], [0, 0.19, 0]]; U₂ = 0.95·M₂ + 0.05·G₂ > 0 on the support, so sign(U₂) =
        // [[1, 0, 1], [0, 1, 0]], whose rows are orthogonal with norms √2 and 1: NS5 maps √(2/3) and √(1/3) by the
        // quintic, O₂ = [[0.8021016, 0, 0.8021016], [0, 0.6857849, 0]]; v₂ = 0.95·v₁ + 0.05·O₂²; Ô = O₂/√v₂, rescaled
        // to ‖Ô‖_F = 0.2·√6.
        var v = new[] { 0.09049409594125866, 0, 0.03216834942021985, 0, 0.08184079320670373, 0 };
        AssertClose(v, optimizer.StateOf(p)["exp_avg_sq"], Exact);
        var update = new[] { 0.22788585813613324, 0, 0.3822197282615838, 0, 0.2048807315288524, 0 };
        AssertClose(first.Zip(update, (t, u) => t - (Lr * u)).ToArray(), p, Exact);
        Assert.Equal(0.2 * Math.Sqrt(6), Math.Sqrt(update.Sum(u => u * u)), 7);
    }

    [Fact]
    public void AdaMuonShapeScaleStillMultiplies()
    {
        TorchSetup.Deterministic();
        var p = Zeros(3, 2);
        using var optimizer = Problems.Build("AdaMuon", new[] { p }, ("lr", Lr), ("ns_dtype", ScalarType.Float64),
            ("shape_scale", ShapeScale.Original));
        Step(optimizer, p, 3, 0, 0, 4, 0, 0);
        var step = Lr * Math.Sqrt(1.5) * 0.3464102;
        AssertClose(new[] { -step, 0, 0, -step, 0, 0 }, p, Lr * Spec);
        Assert.Equal(Lr * Math.Sqrt(1.5), PlanOf(optimizer).Rows[0].LearningRate, 12);
    }

    // ---------------------------------------------------------------- Turbo-Muon (§20)

    [Fact]
    public void TurboMuonSpecVector() => AssertTurboDiagonal(ScalarType.Float64, 0.9941459, 0.9941459);

    [Fact]
    public void TurboMuonSpecVectorWithBFloat16NewtonSchulz()
    {
        var (a, b) = DiagonalNewtonSchulz(NewtonSchulz.Turbo(ScalarType.BFloat16));
        AssertTurboDiagonal(ScalarType.BFloat16, a, b);
    }

    private static void AssertTurboDiagonal(ScalarType nsType, double a, double b)
    {
        TorchSetup.Deterministic();
        var wide = Zeros(2, 3);
        var tall = Zeros(3, 2);
        using var optimizer = Problems.Build("TurboMuon", new[] { wide, tall }, ("lr", Lr), ("ns_dtype", nsType));
        wide.grad = tensor(new double[] { 3, 0, 0, 0, 4, 0 }, new long[] { 2, 3 }, ScalarType.Float64);
        tall.grad = tensor(new double[] { 3, 0, 0, 4, 0, 0 }, new long[] { 3, 2 }, ScalarType.Float64);
        optimizer.step();
        // AOL: A = diag(9, 16)·0.0975², s = 1/(0.0975·(3, 4)) → X = [[1, 0, 0], [0, 1, 0]] exactly; four Dion
        // iterations from σ = 1 give 0.9941459. Δθ = −lr·s·O with s = 1 (wide) and √(3/2) (tall).
        AssertClose(new[] { -Lr * a, 0, 0, 0, -Lr * b, 0 }, wide, Lr * Spec);
        var s = Math.Sqrt(1.5);
        AssertClose(new[] { -Lr * s * a, 0, 0, -Lr * s * b, 0, 0 }, tall, Lr * s * Spec);
    }

    [Fact]
    public void TurboMuonIsMuonWithTurboNewtonSchulz()
    {
        TorchSetup.Deterministic();
        var (p, loss) = Problems.Regression(seed: 3);
        var (q, lossQ) = Problems.Regression(seed: 3);
        using var turbo = Problems.Build("TurboMuon", p);
        using var muon = Problems.Build("Muon", q, ("ns_coefficients", CoefficientSet.DionLastFour),
            ("ns_steps", 4), ("ns_normalization", PreNormalization.Aol), ("ns_eps", 1e-6));
        for (var i = 0; i < 3; i++) {
            Problems.Backward(p, loss);
            Problems.Backward(q, lossQ);
            turbo.step();
            muon.step();
        }
        Assert.Equal(Problems.Snapshot(q), Problems.Snapshot(p));
    }

    // ---------------------------------------------------------------- AuON and Hybrid-AuON (§21)

    [Theory]
    [InlineData(ScalarType.Float64, Spec)]
    [InlineData(ScalarType.Float32, Spec)]
    public void AuONSpecVector(ScalarType dtype, double tolerance)
    {
        TorchSetup.Deterministic();
        var p = new Parameter(zeros(1, 2, dtype: dtype));
        // μ = 0 without Nesterov makes the post-momentum U the gradient itself, as the spec's vector assumes.
        using var optimizer = Problems.Build("AuON", new[] { p }, ("lr", Lr), ("momentum", 0.0), ("nesterov", false));
        Step(optimizer, p, 3, 4);
        // x = 1.5·[0.6, 0.8] = [0.9, 1.2]; r = √((cosh²0.9 + cosh²1.2)/2) = 1.6328212; update = [3, 4]/r.
        AssertClose(new[] { -Lr * 1.8373108, -Lr * 2.4497477 }, p, Lr * tolerance);
    }

    [Fact]
    public void AuONSpecVectorThroughDefaultMomentum()
    {
        TorchSetup.Deterministic();
        var p = Zeros(1, 2);
        using var optimizer = Problems.Build("AuON", new[] { p }, ("lr", Lr));
        Step(optimizer, p, 3, 4);
        // M = 0.05·G; Nesterov U = 0.05·G + 0.95·M = 0.0975·G: the same direction, so r is unchanged and the update
        // is 0.0975 times the spec's.
        AssertClose(new[] { 0.15, 0.2 }, optimizer.StateOf(p)["momentum_buffer"], Exact);
        AssertClose(new[] { -Lr * 0.0975 * 1.8373108, -Lr * 0.0975 * 2.4497477 }, p, Lr * Spec);
    }

    [Fact]
    public void HybridAuONSpecVector() => AssertHybridDiagonal(ScalarType.Float64, MuonA, MuonB);

    [Fact]
    public void HybridAuONSpecVectorWithBFloat16NewtonSchulz()
    {
        var (a, b) = DiagonalNewtonSchulz(NewtonSchulz.Muon(ScalarType.BFloat16));
        AssertHybridDiagonal(ScalarType.BFloat16, a, b);
    }

    // O = NS5(U) = diag(a, b) (§16); x = 1.5·O/‖O‖_F; r = √((cosh²x_a + cosh²x_b + 4·cosh²0)/6); update = O/r.
    private static void AssertHybridDiagonal(ScalarType nsType, double a, double b)
    {
        TorchSetup.Deterministic();
        var p = Zeros(2, 3);
        using var optimizer = Problems.Build("HybridAuON", new[] { p }, ("lr", Lr), ("ns_dtype", nsType));
        Step(optimizer, p, 3, 0, 0, 0, 4, 0);
        var norm = Math.Sqrt((a * a) + (b * b));
        var (ca, cb) = (Math.Cosh(1.5 * a / norm), Math.Cosh(1.5 * b / norm));
        var r = Math.Sqrt(((ca * ca) + (cb * cb) + 4) / 6);
        if (nsType == ScalarType.Float64) {
            Assert.Equal(1.2549595, r, 6);
        }
        AssertClose(new[] { -Lr * a / r, 0, 0, 0, -Lr * b / r, 0 }, p, Lr * Spec);
    }

    [Theory]
    [InlineData("AuON")]
    [InlineData("HybridAuON")]
    public void AuONZeroMomentumGivesOnlyTheDecay(string name)
    {
        TorchSetup.Deterministic();
        var p = new Parameter(tensor(new double[] { 1, -2, 3, 4 }, new long[] { 2, 2 }, ScalarType.Float64));
        using var optimizer = Problems.Build(name, new[] { p }, ("lr", Lr), ("weight_decay", 0.5));
        Step(optimizer, p, 0, 0, 0, 0);
        AssertClose(new[] { 0.95, -1.9, 2.85, 3.8 }, p, Exact);
    }

    [Fact]
    public void AuONLargestGammaStaysFiniteInFloat32()
    {
        TorchSetup.Deterministic();
        var p = new Parameter(zeros(1, 3, dtype: ScalarType.Float32));
        using var optimizer = Problems.Build("AuON", new[] { p }, ("lr", Lr), ("gamma", 40.0), ("momentum", 0.0), ("nesterov", false));
        // One dominant entry: x ≈ [40, 0, 0], cosh²(40) ≈ 1.4e34 is finite in float32, r ≈ cosh(40)/√3.
        Step(optimizer, p, 1, 0, 0);
        var values = Values(p);
        Assert.All(values, v => Assert.True(double.IsFinite(v)));
        Assert.True(values[0] < 0 && values[0] > -1e-15, $"expected a vanishing step, got {values[0]:E3}");
    }

    // ---------------------------------------------------------------- shared behaviour

    [Theory]
    [MemberData(nameof(Family))]
    public void DecoupledWeightDecayUsesTheUnscaledLearningRate(string name)
    {
        TorchSetup.Deterministic();
        double[] theta0 = { 0.5, -1, 2, 0.25, -0.75, 1.5 };
        double[] grad = { 0.3, -0.2, 0.1, 0.4, -0.5, 0.6 };
        var decayed = new Parameter(tensor(theta0, new long[] { 3, 2 }, ScalarType.Float64));
        var reference = Zeros(3, 2);
        // A tall matrix with the √(rows/cols) scale: were λ multiplied by the scaled lr, the decay would be √1.5 larger.
        (string, object)[] common = { ("lr", Lr), ("ns_dtype", ScalarType.Float64), ("shape_scale", ShapeScale.Original) };
        using var withDecay = Build(name, decayed, common.Append(("weight_decay", 0.2)).ToArray());
        using var without = Build(name, reference, common.Append(("weight_decay", 0.0)).ToArray());
        Step(withDecay, decayed, grad);
        Step(without, reference, grad);
        var step = Values(reference);
        Assert.Contains(step, v => v != 0);
        AssertClose(theta0.Zip(step, (t, s) => (t * (1 - (Lr * 0.2))) + s).ToArray(), decayed, Exact);
    }

    [Theory]
    [MemberData(nameof(Family))]
    public void ShapeScaleMultipliesTheStep(string name)
    {
        TorchSetup.Deterministic();
        double[] grad = { 0.3, -0.2, 0.1, 0.4, -0.5, 0.6 };
        var plain = Zeros(3, 2);
        var scaled = Zeros(3, 2);
        using var none = Build(name, plain, ("lr", Lr), ("ns_dtype", ScalarType.Float64), ("shape_scale", ShapeScale.None));
        using var rms = Build(name, scaled, ("lr", Lr), ("ns_dtype", ScalarType.Float64), ("shape_scale", ShapeScale.MatchRmsAdamW));
        Step(none, plain, grad);
        Step(rms, scaled, grad);
        var factor = 0.2 * Math.Sqrt(3);
        AssertClose(Values(plain).Select(v => v * factor).ToArray(), scaled, Exact);
    }

    [Theory]
    [MemberData(nameof(Family))]
    public void TheGradientIsNeverWritten(string name)
    {
        TorchSetup.Deterministic();
        var (parameters, loss) = Problems.Regression(seed: 4);
        using var optimizer = Problems.Build(name, parameters);
        for (var i = 0; i < 2; i++) {
            Problems.Backward(parameters, loss);
            var before = Problems.Snapshot(parameters.Select(p => p.grad!));
            optimizer.step();
            Assert.Equal(before, Problems.Snapshot(parameters.Select(p => p.grad!)));
        }
    }

    [Theory]
    [MemberData(nameof(Family))]
    public void ConvolutionKernelsAreFlattenedToRowsByFanIn(string name)
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(11);
        var start = randn(4, 18, dtype: ScalarType.Float64, generator: generator);
        var grads = new[] { randn(4, 18, dtype: ScalarType.Float64, generator: generator), randn(4, 18, dtype: ScalarType.Float64, generator: generator) };
        var kernel = new Parameter(start.reshape(4, 2, 3, 3).clone());
        var matrix = new Parameter(start.clone());
        (string, object)[] options = { ("lr", Lr), ("ns_dtype", ScalarType.Float64), ("shape_scale", ShapeScale.SpectralNorm) };
        using var onKernel = Build(name, kernel, options);
        using var onMatrix = Build(name, matrix, options);
        foreach (var g in grads) {
            kernel.grad = g.reshape(4, 2, 3, 3).clone();
            matrix.grad = g.clone();
            onKernel.step();
            onMatrix.step();
        }
        // Same rule on the (4, 18) view, the shape scale √(4/18) of that view (not kh/kw = 1), per-row state of 4 rows.
        AssertClose(Values(matrix), kernel.reshape(4, 18), Exact);
        Assert.Equal(Lr * Math.Sqrt(4.0 / 18), PlanOf(onKernel).Rows[0].LearningRate, 12);
        if (name == "NorMuon") {
            Assert.Equal(new long[] { 4, 1 }, onKernel.StateOf(kernel)["second_momentum_buffer"].shape);
        }
    }

    [Theory]
    [InlineData("NorMuon", "normuon_beta2", 1.0)]
    [InlineData("NorMuon", "normuon_beta2", -0.1)]
    [InlineData("NorMuon", "momentum", 1.0)]
    [InlineData("NorMuon", "ns_eps", 0.0)]
    [InlineData("AdaMuon", "adamuon_eps", 0.0)]
    [InlineData("AdaMuon", "adamuon_eps", -1e-8)]
    [InlineData("AdaMuon", "adamuon_eps", double.PositiveInfinity)]
    [InlineData("AdaMuon", "weight_decay", -0.01)]
    [InlineData("TurboMuon", "ns_eps", -1e-6)]
    [InlineData("TurboMuon", "lr", -1.0)]
    [InlineData("AuON", "gamma", -0.5)]
    [InlineData("AuON", "gamma", 41.0)]
    [InlineData("AuON", "gamma", double.NaN)]
    [InlineData("AuON", "momentum", -0.1)]
    [InlineData("HybridAuON", "gamma", 100.0)]
    [InlineData("HybridAuON", "gamma", -1.0)]
    public void InvalidFamilyHyperparameterThrowsNamingIt(string optimizer, string name, double value)
    {
        TorchSetup.Deterministic();
        var p = Zeros(2, 2);
        var error = Assert.Throws<ArgumentException>(() =>
            OptimizerCatalog.Get(optimizer).Create(new[] { p }, new Dictionary<string, object> { [name] = value }));
        Assert.Contains(name, error.Message);
    }

    [Theory]
    [InlineData("NorMuon", "ns_steps", -1)]
    [InlineData("HybridAuON", "ns_steps", -2)]
    public void InvalidFamilyIntegerHyperparameterThrowsNamingIt(string optimizer, string name, int value)
    {
        TorchSetup.Deterministic();
        var error = Assert.Throws<ArgumentException>(() =>
            OptimizerCatalog.Get(optimizer).Create(new[] { Zeros(2, 2) }, new Dictionary<string, object> { [name] = value }));
        Assert.Contains(name, error.Message);
    }

    // ---------------------------------------------------------------- helpers

    // Newton–Schulz of the first step's momentum U = 0.0975·diag(3, 4) as the optimizers run it: the (0, 0) and (1, 1) entries.
    private static (double A, double B) DiagonalNewtonSchulz(NewtonSchulz orthogonalizer)
    {
        using var u = tensor(new double[] { 3, 0, 0, 0, 4, 0 }, new long[] { 2, 3 }, ScalarType.Float64).mul(0.0975);
        using var o = orthogonalizer.Orthogonalize(u);
        return (o[0, 0].item<double>(), o[1, 1].item<double>());
    }

    private static Parameter Zeros(long rows, long cols) => new(zeros(rows, cols, dtype: ScalarType.Float64));

    private static Descent.Routing.RoutingPlan PlanOf(DescentOptimizer optimizer) => ((IMatrixOptimizer)optimizer).Plan();

    // AuON has no Newton–Schulz, so it takes no ns_dtype.
    private static DescentOptimizer Build(string name, Parameter p, params (string name, object value)[] overrides) =>
        Problems.Build(name, new[] { p }, overrides.Where(o => o.name != "ns_dtype" || name != "AuON").ToArray());
}
