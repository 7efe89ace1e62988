using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;
using Descent.Tests.Support;
using static Descent.Tests.Support.Vectors;
using Xunit;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Optimizers;

/// <summary>
/// Hand-computed steps of Adamax, NAdam, RAdam, Adagrad, RMSprop and Adadelta (optimizer-specs §5–§9 and
/// torch.optim.Adadelta's rule), in float64, and the validation of every hyperparameter.
/// </summary>
public class ClassicHandVectorTests
{
    // ---------------------------------------------------------------- Adamax (§5)

    [Fact]
    public void AdamaxFirstStepIsLrTimesGOverAbsGPlusEps()
    {
        TorchSetup.Deterministic();
        var p = Param(SpecTheta0);
        using var optimizer = new Adamax(new[] { p });
        Step(optimizer, p, SpecGrad);
        const double lr = 2e-3, eps = 1e-8;
        AssertClose(new[] { 1 - (lr * 0.5 / (0.5 + eps)), 2 + (lr / (1 + eps)) }, Values(p), 1e-15);
        AssertClose(new[] { 0.99800000004, 2.00199999998 }, Values(p), 1e-12);
        AssertClose(new[] { 0.5 + eps, 1 + eps }, Values(optimizer.StateOf(p)["exp_inf"]), 1e-15);
    }

    [Fact]
    public void AdamaxSecondStepTakesTheMaximumOfDecayedNormAndNewGradient()
    {
        TorchSetup.Deterministic();
        var p = Param(SpecTheta0);
        using var optimizer = new Adamax(new[] { p });
        var g2 = new[] { 0.25, -3.0 };
        Step(optimizer, p, SpecGrad);
        var theta1 = Values(p);
        Step(optimizer, p, g2);

        // u keeps 0.999·(0.5 + ε) in the first coordinate and takes |g2| + ε in the second.
        var m = SpecGrad.Zip(g2, (a, b) => (0.9 * 0.1 * a) + (0.1 * b)).ToArray();
        var u = new[] { 0.999 * (0.5 + 1e-8), 3 + 1e-8 };
        var clr = 2e-3 / (1 - (0.9 * 0.9));
        AssertClose(theta1.Select((t, i) => t - (clr * m[i] / u[i])).ToArray(), Values(p), 1e-15);
        AssertClose(new[] { 0.996524840699607, 2.00336842102807 }, Values(p), 1e-13);
        AssertClose(u, Values(optimizer.StateOf(p)["exp_inf"]), 1e-15);
    }

    // ---------------------------------------------------------------- NAdam (§6, current torch formula)

    private static double NAdamMu(long t, double beta1 = 0.9, double psi = 4e-3) => beta1 * (1 - (0.5 * Math.Pow(0.96, t * psi)));

    [Fact]
    public void NAdamFirstStepMatchesSpecVector()
    {
        TorchSetup.Deterministic();
        var p = Param(new[] { 0.0 });
        using var optimizer = new NAdam(new[] { p });
        Step(optimizer, p, new[] { 1.0 });
        Assert.Equal(-0.0021129035, Values(p)[0], tolerance: 5e-11);
        Assert.Equal(0.450073474, optimizer.StateOf(p).Scalar("mu_product"), tolerance: 5e-10);
        Assert.Equal(0.450073474, NAdamMu(1), tolerance: 5e-10);
        Assert.Equal(0.450146935, NAdamMu(2), tolerance: 5e-10);
    }

    [Fact]
    public void NAdamSecondStepUsesMuProductTimesNextMu()
    {
        TorchSetup.Deterministic();
        var p = Param(new[] { 0.0 });
        using var optimizer = new NAdam(new[] { p });
        Step(optimizer, p, new[] { 1.0 });
        var theta1 = Values(p)[0];
        Step(optimizer, p, new[] { 0.5 });

        // By hand from §6: Π2 = μ1·μ2; m2 = 0.9·0.1 + 0.1·0.5; v2 = 0.999·0.001 + 0.001·0.25.
        const double lr = 2e-3, eps = 1e-8, g = 0.5;
        var (mu2, mu3) = (NAdamMu(2), NAdamMu(3));
        var product = NAdamMu(1) * mu2;
        var m = (0.9 * 0.1) + (0.1 * g);
        var v = (0.999 * 0.001) + (0.001 * g * g);
        var denom = Math.Sqrt(v / (1 - (0.999 * 0.999))) + eps;
        var expected = theta1 - (lr * (1 - mu2) / (1 - product) * g / denom) - (lr * mu3 / (1 - (product * mu3)) * m / denom);
        Assert.Equal(expected, Values(p)[0], tolerance: 1e-15);
        Assert.Equal(-0.0031607501230666, Values(p)[0], tolerance: 5e-14);
        Assert.Equal(product, optimizer.StateOf(p).Scalar("mu_product"), tolerance: 1e-15);
        Assert.Equal(2, optimizer.StateOf(p).Step);
    }

    [Fact]
    public void NAdamDecoupledDecayShrinksThetaBeforeTheStep()
    {
        TorchSetup.Deterministic();
        var coupled = Param(new[] { 1.0 });
        var decoupled = Param(new[] { 1.0 });
        using var plain = new NAdam(new[] { coupled });
        using var adamw = new NAdam(new[] { decoupled }, weight_decay: 0.1, weight_decay_mode: WeightDecayMode.Decoupled);
        Step(plain, coupled, new[] { 1.0 });
        Step(adamw, decoupled, new[] { 1.0 });
        // Same gradient, same moments: the only difference is θ·(1 − lr·λ) applied first.
        Assert.Equal((1 - (2e-3 * 0.1)) + (Values(coupled)[0] - 1), Values(decoupled)[0], tolerance: 1e-15);
    }

    // ---------------------------------------------------------------- RAdam (§7)

    [Fact]
    public void RAdamTakesSgdStepsUntilRhoExceedsFiveThenRectifies()
    {
        TorchSetup.Deterministic();
        // With g = 1 at every step m̂ = 1 and √v = √(1 − β2ᵗ), so the change is −lr for t ≤ 5 (ρ_t ≤ 5)
        // and −lr·r_t·l_t with l_t = √(1−β2ᵗ)/(√(1−β2ᵗ) + ε) afterwards. lr = 0.1 exposes an lr² error.
        const double lr = 0.1, beta2 = 0.999, eps = 1e-8;
        var p = Param(new[] { 0.0 });
        using var optimizer = new RAdam(new[] { p }, lr: lr);
        var changes = new List<double>();
        for (var t = 1; t <= 8; t++) {
            var before = Values(p)[0];
            Step(optimizer, p, new[] { 1.0 });
            changes.Add(Values(p)[0] - before);
        }
        for (var t = 1; t <= 5; t++) {
            Assert.Equal(-lr, changes[t - 1], tolerance: 5e-15);
        }
        var specRectification = new Dictionary<int, double> { [6] = 0.0258211, [7] = 0.0327388, [8] = 0.0387383 };
        var rhoInf = (2 / (1 - beta2)) - 1;
        foreach (var (t, r) in specRectification) {
            var bc2 = 1 - Math.Pow(beta2, t);
            var l = Math.Sqrt(bc2) / (Math.Sqrt(bc2) + eps);
            Assert.Equal(r, -changes[t - 1] / (lr * l), tolerance: 5e-8);
            var rho = rhoInf - (2 * t * Math.Pow(beta2, t) / bc2);
            var exact = Math.Sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho));
            Assert.Equal(-lr * exact * l, changes[t - 1], tolerance: 5e-13);
        }
    }

    [Fact]
    public void RAdamRhoMatchesSpecValues()
    {
        // ρ_1..ρ_6 of optimizer-specs §7 (β2 = 0.999): the switch to the rectified branch happens at t = 6.
        var expected = new[] { 1, 1.99950, 2.99867, 3.99750, 4.99600, 5.99416 };
        var rhoInf = (2 / (1 - 0.999)) - 1;
        for (var t = 1; t <= 6; t++) {
            var rho = rhoInf - (2 * t * Math.Pow(0.999, t) / (1 - Math.Pow(0.999, t)));
            Assert.Equal(expected[t - 1], rho, tolerance: 5e-6);
            Assert.Equal(t >= 6, rho > 5);
        }
    }

    // ---------------------------------------------------------------- Adagrad (§8)

    [Fact]
    public void AdagradFirstStepMovesLrTimesGOverAbsG()
    {
        TorchSetup.Deterministic();
        var p = Param(SpecTheta0);
        using var optimizer = new Adagrad(new[] { p });
        Step(optimizer, p, new[] { 3.0, 4.0 });
        AssertClose(new[] { 1 - (0.01 * 3 / (3 + 1e-10)), 2 - (0.01 * 4 / (4 + 1e-10)) }, Values(p), 1e-15);
        AssertClose(new[] { 0.99, 1.99 }, Values(p), 1e-11);
        AssertClose(new[] { 9.0, 16.0 }, Values(optimizer.StateOf(p)["sum"]), 0);
    }

    [Fact]
    public void AdagradDecaysLrAndStartsFromTheInitialAccumulator()
    {
        TorchSetup.Deterministic();
        var p = Param(new[] { 0.0 });
        using var optimizer = new Adagrad(new[] { p }, lr_decay: 0.5, initial_accumulator_value: 1);
        Step(optimizer, p, new[] { 3.0 });
        var theta1 = -0.01 * 3 / (Math.Sqrt(10) + 1e-10);
        Assert.Equal(theta1, Values(p)[0], tolerance: 1e-15);
        Step(optimizer, p, new[] { 3.0 });
        Assert.Equal(theta1 - (0.01 / 1.5 * 3 / (Math.Sqrt(19) + 1e-10)), Values(p)[0], tolerance: 1e-15);
    }

    // ---------------------------------------------------------------- RMSprop (§9)

    [Fact]
    public void RMSpropFirstStepMatchesSpecVectors()
    {
        TorchSetup.Deterministic();
        var plain = Param(new[] { 0.0 });
        var centered = Param(new[] { 0.0 });
        using var a = new RMSprop(new[] { plain });
        using var b = new RMSprop(new[] { centered }, centered: true);
        Step(a, plain, new[] { 1.0 });
        Step(b, centered, new[] { 1.0 });
        Assert.Equal(-0.0999999900, Values(plain)[0], tolerance: 5e-11);
        Assert.Equal(-0.1005037714, Values(centered)[0], tolerance: 5e-11);
        Assert.Equal(-0.01 / (Math.Sqrt(0.01) + 1e-8), Values(plain)[0], tolerance: 1e-15);
        Assert.Equal(-0.01 / (Math.Sqrt(0.01 - (0.01 * 0.01)) + 1e-8), Values(centered)[0], tolerance: 1e-15);
        Assert.Equal(0.01, Values(b.StateOf(centered)["grad_avg"])[0], tolerance: 1e-15);
    }

    [Fact]
    public void RMSpropMomentumAccumulatesGOverRms()
    {
        TorchSetup.Deterministic();
        var p = Param(new[] { 0.0 });
        using var optimizer = new RMSprop(new[] { p }, momentum: 0.9);
        Step(optimizer, p, new[] { 1.0 });
        Step(optimizer, p, new[] { 2.0 });
        var b1 = 1 / (Math.Sqrt(0.01) + 1e-8);
        var s2 = (0.99 * 0.01) + (0.01 * 4);
        var b2 = (0.9 * b1) + (2 / (Math.Sqrt(s2) + 1e-8));
        Assert.Equal(-0.01 * (b1 + b2), Values(p)[0], tolerance: 1e-15);
        Assert.Equal(b2, Values(optimizer.StateOf(p)["momentum_buffer"])[0], tolerance: 5e-13);
    }

    [Fact]
    public void RMSpropMomentumSwitchedOnLaterStartsFromZero()
    {
        TorchSetup.Deterministic();
        var p = Param(new[] { 0.0 });
        using var optimizer = new RMSprop(new[] { p });
        Assert.False(optimizer.StateOf(p).Has("momentum_buffer"));
        optimizer.Momentum = 0.5;
        Step(optimizer, p, new[] { 1.0 });
        Assert.Equal(1 / (Math.Sqrt(0.01) + 1e-8), Values(optimizer.StateOf(p)["momentum_buffer"])[0], tolerance: 5e-13);
    }

    // ---------------------------------------------------------------- Adadelta (torch.optim.Adadelta)

    [Fact]
    public void AdadeltaFirstAndSecondStepsByHand()
    {
        TorchSetup.Deterministic();
        var p = Param(SpecTheta0);
        using var optimizer = new Adadelta(new[] { p });
        Step(optimizer, p, SpecGrad);

        // Step 1: v = 0.1·g², u = 0, δ = √ε/√(v + ε)·g, θ ← θ − δ.
        const double eps = 1e-6;
        var delta1 = SpecGrad.Select(g => Math.Sqrt(eps) / Math.Sqrt((0.1 * g * g) + eps) * g).ToArray();
        var theta1 = SpecTheta0.Zip(delta1, (t, d) => t - d).ToArray();
        AssertClose(theta1, Values(p), 1e-15);
        AssertClose(new[] { 0.9968377855834876, 2.0031622618488987 }, Values(p), 1e-15);
        AssertClose(delta1.Select(d => 0.1 * d * d).ToArray(), Values(optimizer.StateOf(p)["acc_delta"]), 1e-14);

        // Step 2 with g = [1, 1]: δ = √(u + ε)/√(v + ε)·g.
        Step(optimizer, p, new[] { 1.0, 1.0 });
        var delta2 = SpecGrad.Select((g, i) => {
            var v = (0.9 * 0.1 * g * g) + 0.1;
            var u = 0.1 * delta1[i] * delta1[i];
            return Math.Sqrt(u + eps) / Math.Sqrt(v + eps);
        }).ToArray();
        AssertClose(theta1.Zip(delta2, (t, d) => t - d).ToArray(), Values(p), 1e-15);
    }

    [Fact]
    public void AdadeltaScalesTheStepByLr()
    {
        TorchSetup.Deterministic();
        var p = Param(new[] { 0.0 });
        using var optimizer = new Adadelta(new[] { p }, lr: 0.5);
        Step(optimizer, p, new[] { 1.0 });
        Assert.Equal(-0.5 * Math.Sqrt(1e-6) / Math.Sqrt(0.1 + 1e-6), Values(p)[0], tolerance: 1e-15);
    }

    // ---------------------------------------------------------------- validation

    [Theory]
    [InlineData("lr", -1.0)]
    [InlineData("beta1", 1.0)]
    [InlineData("beta2", -0.1)]
    [InlineData("eps", 0.0)]
    [InlineData("weight_decay", -1.0)]
    public void AdamaxRejectsInvalidHyperparameters(string name, double value) =>
        AssertRejects(name, ps => name switch {
            "lr" => new Adamax(ps, lr: value),
            "beta1" => new Adamax(ps, beta1: value),
            "beta2" => new Adamax(ps, beta2: value),
            "eps" => new Adamax(ps, eps: value),
            _ => new Adamax(ps, weight_decay: value),
        });

    [Theory]
    [InlineData("lr", -1.0)]
    [InlineData("beta1", 1.5)]
    [InlineData("beta2", 1.0)]
    [InlineData("eps", -1e-8)]
    [InlineData("weight_decay", double.NaN)]
    [InlineData("momentum_decay", -4e-3)]
    public void NAdamRejectsInvalidHyperparameters(string name, double value) =>
        AssertRejects(name, ps => name switch {
            "lr" => new NAdam(ps, lr: value),
            "beta1" => new NAdam(ps, beta1: value),
            "beta2" => new NAdam(ps, beta2: value),
            "eps" => new NAdam(ps, eps: value),
            "weight_decay" => new NAdam(ps, weight_decay: value),
            _ => new NAdam(ps, momentum_decay: value),
        });

    [Theory]
    [InlineData("lr", double.PositiveInfinity)]
    [InlineData("beta1", -0.5)]
    [InlineData("beta2", 1.0)]
    [InlineData("eps", 0.0)]
    [InlineData("weight_decay", -0.1)]
    public void RAdamRejectsInvalidHyperparameters(string name, double value) =>
        AssertRejects(name, ps => name switch {
            "lr" => new RAdam(ps, lr: value),
            "beta1" => new RAdam(ps, beta1: value),
            "beta2" => new RAdam(ps, beta2: value),
            "eps" => new RAdam(ps, eps: value),
            _ => new RAdam(ps, weight_decay: value),
        });

    [Theory]
    [InlineData("lr", -0.01)]
    [InlineData("lr_decay", -1.0)]
    [InlineData("weight_decay", -1.0)]
    [InlineData("initial_accumulator_value", -0.1)]
    [InlineData("eps", 0.0)]
    public void AdagradRejectsInvalidHyperparameters(string name, double value) =>
        AssertRejects(name, ps => name switch {
            "lr" => new Adagrad(ps, lr: value),
            "lr_decay" => new Adagrad(ps, lr_decay: value),
            "weight_decay" => new Adagrad(ps, weight_decay: value),
            "initial_accumulator_value" => new Adagrad(ps, initial_accumulator_value: value),
            _ => new Adagrad(ps, eps: value),
        });

    [Theory]
    [InlineData("lr", -0.01)]
    [InlineData("alpha", 1.0)]
    [InlineData("eps", 0.0)]
    [InlineData("weight_decay", -1.0)]
    [InlineData("momentum", -0.9)]
    public void RMSpropRejectsInvalidHyperparameters(string name, double value) =>
        AssertRejects(name, ps => name switch {
            "lr" => new RMSprop(ps, lr: value),
            "alpha" => new RMSprop(ps, alpha: value),
            "eps" => new RMSprop(ps, eps: value),
            "weight_decay" => new RMSprop(ps, weight_decay: value),
            _ => new RMSprop(ps, momentum: value),
        });

    [Theory]
    [InlineData("lr", -1.0)]
    [InlineData("rho", 1.5)]
    [InlineData("eps", 0.0)]
    [InlineData("weight_decay", -1.0)]
    public void AdadeltaRejectsInvalidHyperparameters(string name, double value) =>
        AssertRejects(name, ps => name switch {
            "lr" => new Adadelta(ps, lr: value),
            "rho" => new Adadelta(ps, rho: value),
            "eps" => new Adadelta(ps, eps: value),
            _ => new Adadelta(ps, weight_decay: value),
        });

    [Fact]
    public void GroupOptionsAreValidatedToo()
    {
        var group = new DescentParamGroup<RMSprop.Options>(new[] { Param(SpecTheta0) }, new RMSprop.Options { alpha = 2 });
        var e = Assert.Throws<ArgumentException>(() => new RMSprop(new[] { group }));
        Assert.Contains("alpha", e.Message);
    }

    // ---------------------------------------------------------------- helpers

    private static void AssertRejects(string name, Func<IEnumerable<Parameter>, DescentOptimizer> create)
    {
        var e = Assert.Throws<ArgumentException>(() => create(new[] { Param(SpecTheta0) }).Dispose());
        Assert.Contains(name, e.Message);
        Assert.Equal(name, e.ParamName);
    }
}
