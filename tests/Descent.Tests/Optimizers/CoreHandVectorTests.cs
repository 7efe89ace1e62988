using Descent.Optimizers;
using Descent.Tests.Support;
using static Descent.Tests.Support.Vectors;
using Xunit;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Optimizers;

/// <summary>The single-step vectors of optimizer-specs §1–§4 for SGD, Adam, AdamW and AMSGrad (θ0 = [1, 2], g = [0.5, −1]).</summary>
public class CoreHandVectorTests
{
    [Theory]
    [InlineData(0.9, 0.0, false, 0.95, 2.10, 0.855, 2.29)]
    [InlineData(0.9, 0.5, false, 0.95, 2.10, 0.88, 2.24)]
    public void SgdMomentumAndDampening(double momentum, double dampening, bool nesterov, double a1, double b1, double a2, double b2)
    {
        var (p, sgd) = Build(ps => new SGD(ps, lr: 0.1, momentum: momentum, dampening: dampening, nesterov: nesterov));
        Step(p, sgd);
        AssertClose(new[] { a1, b1 }, p, 1e-12);
        Step(p, sgd);
        AssertClose(new[] { a2, b2 }, p, 1e-12);
    }

    [Fact]
    public void SgdNesterovFirstStep()
    {
        var (p, sgd) = Build(ps => new SGD(ps, lr: 0.1, momentum: 0.9, nesterov: true));
        Step(p, sgd);
        AssertClose(new[] { 0.905, 2.19 }, p, 1e-12);
    }

    [Fact]
    public void AdamFirstStepIsLrTimesSignOfGradient()
    {
        var (p, adam) = Build(ps => new Adam(ps, lr: 1e-3));
        Step(p, adam);
        AssertClose(new[] { 0.999000000020, 2.000999999990 }, p, 1e-12);
    }

    [Fact]
    public void AdamWDecaysBeforeTheStep()
    {
        var (p, adamw) = Build(ps => new AdamW(ps, lr: 1e-3, weight_decay: 0.01));
        Step(p, adamw);
        AssertClose(new[] { 0.998990000020, 2.000979999990 }, p, 1e-12);
    }

    [Fact]
    public void AmsGradUsesTheMaximumOfTheRawSecondMoment()
    {
        TorchSetup.Deterministic();
        var p = new Parameter(tensor(new[] { 0.0 }));
        using var adam = new Adam(new[] { p }, lr: 1e-3, amsgrad: true);
        p.grad = tensor(new[] { 1.0 });
        adam.step();
        Assert.Equal(-1e-3 / (1 + 1e-8), p.item<double>(), 15);
        p.grad = tensor(new[] { 0.0 });
        adam.step();
        Assert.Equal(-6.697231e-4, p.item<double>() + (1e-3 / (1 + 1e-8)), 9);
    }

    private static (Parameter p, Descent.Core.DescentOptimizer optimizer) Build(System.Func<Parameter[], Descent.Core.DescentOptimizer> create)
    {
        TorchSetup.Deterministic();
        var p = new Parameter(tensor(SpecTheta0));
        return (p, create(new[] { p }));
    }

    private static void Step(Parameter p, Descent.Core.DescentOptimizer optimizer) => Vectors.Step(optimizer, p, SpecGrad);
}
