using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;
using Descent.Tests.Support;
using static Descent.Tests.Support.Vectors;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Optimizers;

/// <summary>
/// Lion, Adafactor, Signum/signSGD and normalized SGD, which PyTorch 1.13 lacks, against vectors derived by hand from
/// optimizer-specs §10, §11 (torch.optim.Adafactor semantics, §11a) and §34. Expected values are written as the
/// closed-form arithmetic they come from where that stays readable; the second steps of longer trajectories were
/// worked out in double precision, outside this code, following the same equations.
/// </summary>
public class ExtraHandVectorTests
{
    private const double Fp64 = 1e-12;
    private const double Fp32 = 1e-7;

    // ---------------------------------------------------------------- Lion (§10)

    [Theory]
    [InlineData(ScalarType.Float64, Fp64)]
    [InlineData(ScalarType.Float32, Fp32)]
    public void LionSpecVector(ScalarType dtype, double tolerance)
    {
        TorchSetup.Deterministic();
        var p = Param(dtype, 1, 2, 3);
        using var optimizer = new Lion(new[] { p }, lr: 0.1);
        Step(optimizer, p, 0.5, -1, 0);
        // c = 0.1·g = [0.05, −0.1, 0] → sign [1, −1, 0]; m = 0.01·g.
        AssertClose(new[] { 1 - 0.1, 2 + 0.1, 3 }, p, tolerance);
        AssertClose(new[] { 0.005, -0.01, 0 }, optimizer.StateOf(p)["exp_avg"], tolerance);
        Assert.Equal(1, optimizer.StateOf(p).Step);
    }

    [Fact]
    public void LionTwoStepsWithDecoupledWeightDecay()
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float64, 1, -2, 0.5);
        using var optimizer = new Lion(new[] { p }, lr: 0.1, weight_decay: 0.5);
        // Step 1: θ·(1 − 0.05) = [0.95, −1.9, 0.475]; sign(0.1·g1) = [1, −1, 0]; m1 = 0.01·g1.
        Step(optimizer, p, 0.5, -1, 0);
        AssertClose(new[] { 0.85, -1.8, 0.475 }, p, Fp64);
        AssertClose(new[] { 0.005, -0.01, 0 }, optimizer.StateOf(p)["exp_avg"], Fp64);
        // Step 2: θ1·0.95 = [0.8075, −1.71, 0.45125]; c = 0.9·m1 + 0.1·g2 = [0.0045 − 0.0043, −0.029, 0.04] → [1, −1, 1]
        // (the first sign is the momentum's, against g2's; had m been updated first, c would be −0.000232 there);
        // m2 = 0.99·m1 + 0.01·g2 = [0.00452, −0.0119, 0.004].
        Step(optimizer, p, -0.043, -0.2, 0.4);
        AssertClose(new[] { 0.7075, -1.61, 0.35125 }, p, Fp64);
        AssertClose(new[] { 0.00452, -0.0119, 0.004 }, optimizer.StateOf(p)["exp_avg"], Fp64);
    }

    [Fact]
    public void LionMaximizeFlipsTheStep()
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float64, 1, 2, 3);
        using var optimizer = new Lion(new[] { p }, lr: 0.1, maximize: true);
        Step(optimizer, p, 0.5, -1, 0);
        AssertClose(new[] { 1.1, 1.9, 3 }, p, Fp64);
        AssertClose(new[] { -0.005, 0.01, 0 }, optimizer.StateOf(p)["exp_avg"], Fp64);
    }

    // ---------------------------------------------------------------- Adafactor (§11a)

    [Theory]
    [InlineData(ScalarType.Float64, Fp64)]
    [InlineData(ScalarType.Float32, Fp32)]
    public void AdafactorSpecVector(ScalarType dtype, double tolerance)
    {
        TorchSetup.Deterministic();
        var p = new Parameter(ones(new long[] { 2, 2 }, dtype));
        using var optimizer = new Adafactor(new[] { p }, lr: 1e-2);
        Step(optimizer, p, 1, 2, 3, 4);
        // R = [2.5, 12.5], C = [5, 10], mean R = 7.5, V̂ = R·C/7.5, U = G/√V̂, RMS(U) = √0.96 < 1, α = 0.01.
        var expected = SpecUpdate().Select(u => 1 - 0.01 * u).ToArray();
        AssertClose(expected, p, tolerance);
        AssertClose(new[] { 0.99225403, 0.98904555, 0.98960770, 0.99020204 }, p, 1e-8 + (dtype == ScalarType.Float32 ? Fp32 : 0));
        AssertClose(new[] { 2.5, 12.5 }, optimizer.StateOf(p)["row_var"], tolerance);
        AssertClose(new[] { 5.0, 10 }, optimizer.StateOf(p)["col_var"], tolerance);
        Assert.Equal(new long[] { 2, 1 }, optimizer.StateOf(p)["row_var"].shape);
        Assert.Equal(new long[] { 1, 2 }, optimizer.StateOf(p)["col_var"].shape);
        Assert.False(optimizer.StateOf(p).Has("variance"));
    }

    [Fact]
    public void AdafactorFactorsTheLastTwoDimensionsOfABatch()
    {
        TorchSetup.Deterministic();
        var p = new Parameter(ones(new long[] { 2, 2, 2 }, ScalarType.Float64));
        using var optimizer = new Adafactor(new[] { p }, lr: 1e-2);
        // Both slices get the spec gradient: RMS(θ) and RMS(U) are those of one slice, so each slice moves as §11's.
        Step(optimizer, p, 1, 2, 3, 4, 1, 2, 3, 4);
        var slice = SpecUpdate().Select(u => 1 - 0.01 * u).ToArray();
        AssertClose(slice.Concat(slice).ToArray(), p, Fp64);
        Assert.Equal(new long[] { 2, 2, 1 }, optimizer.StateOf(p)["row_var"].shape);
        Assert.Equal(new long[] { 2, 1, 2 }, optimizer.StateOf(p)["col_var"].shape);
        AssertClose(new[] { 2.5, 12.5, 2.5, 12.5 }, optimizer.StateOf(p)["row_var"], Fp64);
    }

    [Fact]
    public void AdafactorVectorTwoSteps()
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float64, 1, -2, 3, 0.5);
        using var optimizer = new Adafactor(new[] { p }, lr: 1e-2);
        // Step 1: 1 − β̂2 = 1 → V = g²; U = g/|g| = [1, −1, 1, 0] (0/ε1 = 0); RMS(U) = √0.75 < 1;
        // α = RMS(θ0)·0.01 = √(14.25/4)·0.01.
        Step(optimizer, p, 0.5, -1, 2, 0);
        var alpha = Math.Sqrt(14.25 / 4) * 0.01;
        AssertClose(new[] { 1 - alpha, -2 + alpha, 3 - alpha, 0.5 }, p, Fp64);
        AssertClose(new[] { 0.25, 1, 4, 0 }, optimizer.StateOf(p)["variance"], Fp64);
        Assert.False(optimizer.StateOf(p).Has("row_var"));
        // Step 2: 1 − β̂2 = 2^−0.8, ρ = min(0.01, 1/√2) = 0.01, RMS(U) ≈ 0.9598 < 1.
        Step(optimizer, p, 1, 0.5, -0.25, 2);
        var rate = Math.Pow(2, -0.8);
        AssertClose(new[] { 0.25, 1, 4, 0 }.Zip(new[] { 1, 0.25, 0.0625, 4 }, (v, g2) => (1 - rate) * v + rate * g2).ToArray(),
            optimizer.StateOf(p)["variance"], Fp64);
        AssertClose(new[] { 0.9584310913345774, -1.9935344445490946, 2.9846757338065775, 0.47529261188503347 }, p, Fp64);
        Assert.Equal(2, optimizer.StateOf(p).Step);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void AdafactorClipsAnUpdateWhoseRmsExceedsD(double d)
    {
        TorchSetup.Deterministic();
        var p = new Parameter(ones(new long[] { 2, 2 }, ScalarType.Float64));
        using var optimizer = new Adafactor(new[] { p }, lr: 1e-2, d: d);
        Step(optimizer, p, 10, 0, 0, 1);
        // R = C = [50, 0.5], mean R = 25.25: U = [[10·√25.25/50, 0], [0, √25.25/0.5]], RMS(U) = √(102.01/4) = 5.05 > d.
        var u00 = 10 * Math.Sqrt(25.25) / 50;
        var u11 = Math.Sqrt(25.25) / 0.5;
        var scale = 0.01 / Math.Max(1, 5.05 / d);
        AssertClose(new[] { 1 - scale * u00, 1, 1, 1 - scale * u11 }, p, Fp64);
    }

    [Fact]
    public void AdafactorStepSizeUsesRmsOfThetaBeforeWeightDecay()
    {
        TorchSetup.Deterministic();
        var p = new Parameter(tensor(new double[] { 1, 2, 3, 4 }, new long[] { 2, 2 }, ScalarType.Float64));
        using var optimizer = new Adafactor(new[] { p }, lr: 1e-2, weight_decay: 10);
        // θ ← θ·(1 − 0.01·10) = 0.9·θ, then θ − α·U with α = RMS(θ0)·0.01 = √7.5·0.01 (not the decayed √(0.81·7.5)·0.01);
        // U is the spec's, since G is the spec gradient.
        Step(optimizer, p, 1, 2, 3, 4);
        var alpha = Math.Sqrt(7.5) * 0.01;
        var expected = new[] { 1.0, 2, 3, 4 }.Zip(SpecUpdate(), (theta, u) => 0.9 * theta - alpha * u).ToArray();
        AssertClose(expected, p, Fp64);
        // Step 2 (t = 2, 1 − β̂2 = 2^−0.8, ρ = 0.01, no clipping), worked out by hand in double.
        Step(optimizer, p, -1, 0.5, 2, -3);
        AssertClose(new[] { 0.815702762104588, 1.584098254028465, 2.384725396760633, 3.2370255659894944 }, p, Fp64);
        AssertClose(new[] { 1.4230952921902797, 9.053904935008894 }, optimizer.StateOf(p)["row_var"], Fp64);
        AssertClose(new[] { 3.5641270562537066, 6.912873170945469 }, optimizer.StateOf(p)["col_var"], Fp64);
    }

    [Fact]
    public void AdafactorDefaultEps1IsTheMachineEpsilonOfTheParameterDtype()
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float32, 1, 1);
        using var optimizer = new Adafactor(new[] { p }, lr: 1e-2);
        Assert.True(double.IsNaN(optimizer.Defaults.eps1!.Value));
        // fp32 ε1 = 2^−23: V̂ = max(g², ε1²) floors 1e−18 at 2^−46, so U = [1e−9·2^23, 1]; RMS(U) < 1, α = 0.01.
        Step(optimizer, p, 1e-9, 1);
        AssertClose(new[] { 1 - 0.01 * 1e-9 * Math.Pow(2, 23), 0.99 }, p, Fp32);
    }

    [Fact]
    public void AdafactorEps1NullInheritsWhileMachineEpsilonIsItsOwnValue()
    {
        TorchSetup.Deterministic();
        var a = Param(ScalarType.Float64, 1);
        var b = Param(ScalarType.Float64, 1);
        var c = Param(ScalarType.Float64, 1);
        var groups = new[] {
            new DescentParamGroup<Adafactor.Options>(new[] { a }),
            new DescentParamGroup<Adafactor.Options>(new[] { b }, new Adafactor.Options { eps1 = Adafactor.MachineEpsilon }),
            new DescentParamGroup<Adafactor.Options>(new[] { c }, new Adafactor.Options { eps1 = 0 }),
        };
        using var optimizer = new Adafactor(groups, eps1: 1e-5);
        var eps1 = optimizer.Groups.Select(g => ((Adafactor.Options)g.Options).eps1!.Value).ToArray();
        Assert.Equal(1e-5, eps1[0]);
        Assert.True(double.IsNaN(eps1[1]));
        Assert.Equal(0, eps1[2]);
    }

    [Fact]
    public void AdafactorEps1SurvivesTheOptionsSerializer()
    {
        TorchSetup.Deterministic();
        var machine = RoundTrip(new Adafactor.Options { lr = 0.01, eps1 = Adafactor.MachineEpsilon });
        Assert.True(double.IsNaN(machine.eps1!.Value));
        var inherit = RoundTrip(new Adafactor.Options { lr = 0.01, eps1 = null });
        Assert.Null(inherit.eps1);
        var explicitValue = RoundTrip(new Adafactor.Options { lr = 0.01, eps1 = 1e-30, d = 2 });
        Assert.Equal(1e-30, explicitValue.eps1);
        Assert.Equal(2, explicitValue.d);
    }

    private static Adafactor.Options RoundTrip(Adafactor.Options options)
    {
        options.InitialLearningRate = options.LearningRate!.Value;
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) {
            options.SaveStateDict(writer);
        }
        buffer.Position = 0;
        var loaded = new Adafactor.Options();
        using (var reader = new BinaryReader(buffer)) {
            loaded.LoadStateDict(reader);
        }
        return loaded;
    }

    [Fact]
    public void AdafactorEps1CanBeSetThroughTheCatalog()
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float64, 1);
        using var optimizer = (Adafactor)OptimizerCatalog.Get("Adafactor").Create(new[] { p }, new Dictionary<string, object> { ["eps1"] = 1e-30 });
        Assert.Equal(1e-30, optimizer.Defaults.eps1);
        Assert.Null(OptimizerCatalog.Get("Adafactor").Defaults.Single(kv => kv.Key == "eps1").Value);
    }

    // ---------------------------------------------------------------- Signum / signSGD (§34)

    [Theory]
    [InlineData(ScalarType.Float64, Fp64)]
    [InlineData(ScalarType.Float32, Fp32)]
    public void SignumSpecVector(ScalarType dtype, double tolerance)
    {
        TorchSetup.Deterministic();
        var p = Param(dtype, 1, 2, 3);
        using var optimizer = new Signum(new[] { p }, lr: 0.01, momentum: 0.9);
        Step(optimizer, p, 0.5, -2, 0);
        // m = 0.9·0 + 0.1·g = [0.05, −0.2, 0] → Δθ = −0.01·[1, −1, 0].
        AssertClose(new[] { 0.05, -0.2, 0 }, optimizer.StateOf(p)["momentum_buffer"], tolerance);
        AssertClose(new[] { 0.99, 2.01, 3 }, p, tolerance);
        // Step 2, g = [−1, −1, 1]: m = [0.045 − 0.1, −0.18 − 0.1, 0.1] = [−0.055, −0.28, 0.1] → Δθ = −0.01·[−1, −1, 1].
        Step(optimizer, p, -1, -1, 1);
        AssertClose(new[] { -0.055, -0.28, 0.1 }, optimizer.StateOf(p)["momentum_buffer"], tolerance);
        AssertClose(new[] { 1.0, 2.02, 2.99 }, p, tolerance);
    }

    [Fact]
    public void SignSgdIsSignumWithoutMomentum()
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float64, 1, -2, 0.5);
        using var optimizer = new Signum(new[] { p }, lr: 0.1, momentum: 0);
        Assert.Empty(optimizer.StateOf(p).TensorNames);
        Step(optimizer, p, 0.5, -2, 0);
        AssertClose(new[] { 0.9, -1.9, 0.5 }, p, Fp64);
        Assert.Empty(optimizer.StateOf(p).TensorNames);
    }

    [Fact]
    public void SignSgdWithCoupledWeightDecayTakesTheSignOfTheDecayedGradient()
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float64, 1, -2, 0.5);
        using var optimizer = new Signum(new[] { p }, lr: 0.1, momentum: 0, weight_decay: 1);
        // g + λθ = [0.5 + 1, 0.1 − 2, 0 + 0.5] = [1.5, −1.9, 0.5] → sign [1, −1, 1].
        Step(optimizer, p, 0.5, 0.1, 0);
        AssertClose(new[] { 0.9, -1.9, 0.4 }, p, Fp64);
    }

    // ---------------------------------------------------------------- Normalized SGD with momentum (§34)

    [Fact]
    public void NormalizedSgdFirstTwoSteps()
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float64, 1, 2);
        using var optimizer = new NormalizedSGD(new[] { p }, lr: 0.1, momentum: 0.9, eps: 1e-8);
        // Step 1: m = 0.1·[3, 4] = [0.3, 0.4], ‖m‖ = 0.5.
        Step(optimizer, p, 3, 4);
        AssertClose(new[] { 0.3, 0.4 }, optimizer.StateOf(p)["momentum_buffer"], Fp64);
        var theta1 = new[] { 1 - 0.1 * 0.3 / (0.5 + 1e-8), 2 - 0.1 * 0.4 / (0.5 + 1e-8) };
        AssertClose(theta1, p, Fp64);
        // Step 2: m = 0.9·[0.3, 0.4] + 0.1·[−1, 1] = [0.17, 0.46], ‖m‖ = √0.2405.
        Step(optimizer, p, -1, 1);
        AssertClose(new[] { 0.17, 0.46 }, optimizer.StateOf(p)["momentum_buffer"], Fp64);
        var norm = Math.Sqrt(0.2405);
        AssertClose(new[] { theta1[0] - 0.1 * 0.17 / (norm + 1e-8), theta1[1] - 0.1 * 0.46 / (norm + 1e-8) }, p, Fp64);
    }

    [Fact]
    public void NormalizedSgdNormalizesEachParameterTensorOnItsOwn()
    {
        TorchSetup.Deterministic();
        var a = Param(ScalarType.Float64, 0, 0);
        var b = Param(ScalarType.Float64, 0);
        using var optimizer = new NormalizedSGD(new[] { a, b }, lr: 0.1, momentum: 0, eps: 0);
        Assert.Empty(optimizer.StateOf(a).TensorNames);
        a.grad = tensor(new double[] { 30, 40 }, ScalarType.Float64);
        b.grad = tensor(new double[] { -1e-3 }, ScalarType.Float64);
        optimizer.step();
        AssertClose(new[] { -0.06, -0.08 }, a, Fp64);
        AssertClose(new[] { 0.1 }, b, Fp64);
    }

    // ---------------------------------------------------------------- Validation

    [Theory]
    [InlineData("Lion", "lr", -1.0)]
    [InlineData("Lion", "beta1", 1.0)]
    [InlineData("Lion", "beta1", -0.1)]
    [InlineData("Lion", "beta2", 1.5)]
    [InlineData("Lion", "weight_decay", -1.0)]
    [InlineData("Adafactor", "lr", -1.0)]
    [InlineData("Adafactor", "beta2_decay", 0.5)]
    [InlineData("Adafactor", "beta2_decay", double.NegativeInfinity)]
    [InlineData("Adafactor", "eps1", -1e-30)]
    [InlineData("Adafactor", "eps1", double.PositiveInfinity)]
    [InlineData("Adafactor", "eps2", -1e-3)]
    [InlineData("Adafactor", "d", 0.5)]
    [InlineData("Adafactor", "weight_decay", -1.0)]
    [InlineData("Signum", "lr", -1.0)]
    [InlineData("Signum", "momentum", 1.0)]
    [InlineData("Signum", "momentum", -0.5)]
    [InlineData("Signum", "weight_decay", -1.0)]
    [InlineData("NormalizedSGD", "lr", double.NaN)]
    [InlineData("NormalizedSGD", "momentum", 1.0)]
    [InlineData("NormalizedSGD", "eps", -1e-8)]
    [InlineData("NormalizedSGD", "weight_decay", -1.0)]
    public void InvalidHyperparameterThrowsNamingIt(string optimizer, string name, double value)
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float64, 1);
        var error = Assert.Throws<ArgumentException>(() =>
            OptimizerCatalog.Get(optimizer).Create(new[] { p }, new Dictionary<string, object> { [name] = value }));
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void InvalidGroupHyperparameterThrowsNamingIt()
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float64, 1);
        var error = Assert.Throws<ArgumentException>(() => new Adafactor(new[] {
            new DescentParamGroup<Adafactor.Options>(new[] { p }, new Adafactor.Options { d = 0.9 }),
        }));
        Assert.Contains("d = 0.9", error.Message);
    }

    [Fact]
    public void ElementwiseFlagsMatchTheRules()
    {
        TorchSetup.Deterministic();
        var p = Param(ScalarType.Float64, 1);
        using var lion = new Lion(new[] { p });
        using var signum = new Signum(new[] { Param(ScalarType.Float64, 1) });
        using var adafactor = new Adafactor(new[] { Param(ScalarType.Float64, 1) });
        using var normalized = new NormalizedSGD(new[] { Param(ScalarType.Float64, 1) });
        Assert.True(lion.IsElementwise);
        Assert.True(signum.IsElementwise);
        Assert.False(adafactor.IsElementwise);
        Assert.False(normalized.IsElementwise);
    }

    // ---------------------------------------------------------------- helpers

    // U = G/√V̂ for §11's 2×2 vector: G_ij·√(7.5/(R_i·C_j)) with R = [2.5, 12.5], C = [5, 10].
    private static double[] SpecUpdate() => new[] {
        1 * Math.Sqrt(7.5 / (2.5 * 5)), 2 * Math.Sqrt(7.5 / (2.5 * 10)),
        3 * Math.Sqrt(7.5 / (12.5 * 5)), 4 * Math.Sqrt(7.5 / (12.5 * 10)),
    };
}
