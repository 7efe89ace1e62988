using System;
using Descent.Core;
using Descent.Optimizers;
using Descent.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Core;

/// <summary>Each weight-decay mode, on one scalar, against its formula (one Adam step moves by lr·g/(|g| + ε)).</summary>
public class WeightDecayModeTests
{
    private const double Lr = 0.1;
    private const double Decay = 0.1;
    private const double Eps = 1e-8;

    [Theory]
    [InlineData(WeightDecayMode.None, 2.0, 0.5)]
    [InlineData(WeightDecayMode.Coupled, 2.0, 0.5)]
    [InlineData(WeightDecayMode.Decoupled, 2.0, 0.5)]
    [InlineData(WeightDecayMode.DecoupledFixed, 2.0, 0.5)]
    [InlineData(WeightDecayMode.Cautious, 2.0, 0.5)]
    [InlineData(WeightDecayMode.Cautious, -2.0, 0.5)]
    [InlineData(WeightDecayMode.Cautious, -2.0, -0.5)]
    public void OneAdamStepFollowsTheModesFormula(WeightDecayMode mode, double theta, double grad)
    {
        TorchSetup.Deterministic();
        var p = new Parameter(tensor(new[] { theta }));
        using var adam = new Adam(new[] { p }, lr: Lr, eps: Eps, weight_decay: Decay, weight_decay_mode: mode);
        p.grad = tensor(new[] { grad });
        adam.step();
        Assert.Equal(Expected(mode, theta, grad), p.item<double>(), 15);
    }

    private static double Expected(WeightDecayMode mode, double theta, double grad)
    {
        double AdamStep(double g) => Lr * g / (Math.Abs(g) + Eps);
        return mode switch {
            WeightDecayMode.None => theta - AdamStep(grad),
            WeightDecayMode.Coupled => theta - AdamStep(grad + (Decay * theta)),
            WeightDecayMode.Decoupled => (theta * (1 - (Lr * Decay))) - AdamStep(grad),
            WeightDecayMode.DecoupledFixed => (theta * (1 - Decay)) - AdamStep(grad),
            // The update u = sign(g) decays θ only where u and θ share a sign.
            WeightDecayMode.Cautious => theta - AdamStep(grad) - (Math.Sign(grad) == Math.Sign(theta) ? Lr * Decay * theta : 0),
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
    }

    [Fact]
    public void ZeroDecayIgnoresTheMode()
    {
        TorchSetup.Deterministic();
        var p = new Parameter(tensor(new[] { 2.0 }));
        using var sgd = new SGD(new[] { p }, lr: Lr, weight_decay: 0, weight_decay_mode: WeightDecayMode.DecoupledFixed);
        p.grad = tensor(new[] { 0.5 });
        sgd.step();
        Assert.Equal(2.0 - (Lr * 0.5), p.item<double>(), 15);
    }
}
