using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Core;

/// <summary>
/// Behaviour every optimizer shares through the core, checked for each optimizer of the catalogue: the non-finite
/// policy, parameters without gradients, zero-size parameters, state precision, closures, constructors, validation.
/// </summary>
public class OptimizerContractTests
{
    public static IEnumerable<object[]> Names() => OptimizerCatalog.All.Select(d => new object[] { d.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void NonFiniteGradientIsRejectedNamingTheParameterAndNothingChanges(string name)
    {
        TorchSetup.Deterministic();
        var (parameters, loss) = Problems.Regression();
        using var optimizer = OptimizerCatalog.Get(name).Create(parameters);
        TakeSteps(optimizer, parameters, loss, 2);
        var before = Problems.Snapshot(parameters.Concat(optimizer.States().SelectMany(s => s.TensorNames.Select(n => s[n]))));
        Problems.Backward(parameters, loss);
        parameters[1].grad![0] = double.NaN;

        var error = Assert.Throws<NonFiniteGradientException>(() => optimizer.step());
        Assert.Contains("#1", error.Message);
        Assert.Equal(before, Problems.Snapshot(parameters.Concat(optimizer.States().SelectMany(s => s.TensorNames.Select(n => s[n])))));
        Assert.All(optimizer.States(), s => Assert.Equal(2, s.Step));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SkipPolicySkipsTheWholeStep(string name)
    {
        TorchSetup.Deterministic();
        var (parameters, loss) = Problems.Regression();
        using var optimizer = OptimizerCatalog.Get(name).Create(parameters);
        optimizer.NonFiniteGradients = NonFiniteGradientPolicy.SkipStep;
        TakeSteps(optimizer, parameters, loss, 1);
        var before = Problems.Snapshot(parameters);
        Problems.Backward(parameters, loss);
        parameters[0].grad![0, 0] = double.PositiveInfinity;
        optimizer.step();
        Assert.Equal(before, Problems.Snapshot(parameters));
        Assert.Equal(1, optimizer.SkippedSteps);
        Assert.All(optimizer.States(), s => Assert.Equal(1, s.Step));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ParametersWithoutGradientsAndZeroSizeParametersAreHandled(string name)
    {
        TorchSetup.Deterministic();
        var (parameters, loss) = Problems.Regression();
        var frozen = new Parameter(ones(2, 2, dtype: ScalarType.Float64));
        var empty = new Parameter(zeros(0, 3, dtype: ScalarType.Float64));
        using var optimizer = OptimizerCatalog.Get(name).Create(parameters.Append(frozen).Append(empty));
        empty.grad = zeros(0, 3, dtype: ScalarType.Float64);
        TakeSteps(optimizer, parameters, loss, 3);
        Assert.Equal(new[] { 1.0, 1.0, 1.0, 1.0 }, frozen.data<double>().ToArray());
        Assert.Equal(0, optimizer.StateOf(frozen).Step);
        Assert.Equal(3, optimizer.StateOf(parameters[0]).Step);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void StepWithClosureReturnsTheLossAndUpdates(string name)
    {
        TorchSetup.Deterministic();
        var (parameters, loss) = Problems.Regression();
        using var optimizer = OptimizerCatalog.Get(name).Create(parameters);
        var before = Problems.Snapshot(parameters);
        var returned = optimizer.step(() => {
            optimizer.zero_grad();
            var value = loss();
            value.backward();
            return value;
        });
        Assert.NotNull(returned);
        Assert.True(returned.item<double>() > 0);
        Assert.NotEqual(before, Problems.Snapshot(parameters));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void StateIsFloat32ForBFloat16ParametersUnlessAskedOtherwise(string name)
    {
        TorchSetup.Deterministic();
        var p = new Parameter(randn(4, 3).to(ScalarType.BFloat16));
        using var optimizer = OptimizerCatalog.Get(name).Create(new[] { p });
        var state = optimizer.StateOf(p);
        Assert.All(state.TensorNames, n => Assert.Equal(ScalarType.Float32, state[n].dtype));
        optimizer.StatePrecision = StatePrecision.BFloat16;
        Assert.All(state.TensorNames, n => Assert.Equal(ScalarType.BFloat16, state[n].dtype));
        p.grad = ones(4, 3).to(ScalarType.BFloat16);
        optimizer.step();
        Assert.Equal(ScalarType.BFloat16, p.dtype);
    }

    [Fact]
    public void Bf16ParametersTrainWithFloat32State()
    {
        TorchSetup.Deterministic();
        var p = new Parameter(full(8, 3.0).to(ScalarType.BFloat16));
        using var adam = new Adam(new[] { p }, lr: 0.05);
        for (var i = 0; i < 200; i++) {
            p.grad = p.detach().clone();
            adam.step();
        }
        Assert.True(p.abs().max().to(ScalarType.Float32).item<float>() < 0.1f);
        Assert.Equal(ScalarType.Float32, adam.StateOf(p)["exp_avg"].dtype);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void BothConstructorsShareArgumentsAndDefaults(string name)
    {
        var type = OptimizerCatalog.Get(name).Type;
        var constructors = type.GetConstructors().Where(c => c.GetParameters().Length > 1).ToList();
        Assert.Equal(2, constructors.Count);
        var signatures = constructors.Select(c => string.Join(", ", c.GetParameters().Skip(1).Select(p => $"{p.ParameterType.Name} {p.Name} = {p.DefaultValue}"))).Distinct();
        Assert.Single(signatures);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void InvalidLearningRateAndWeightDecayAreRejectedByName(string name)
    {
        var p = new Parameter(ones(2));
        var descriptor = OptimizerCatalog.Get(name);
        var error = Assert.ThrowsAny<ArgumentException>(() => descriptor.Create(new[] { p }, new Dictionary<string, object> { ["lr"] = -1.0 }));
        Assert.Contains("lr", error.Message);
        Assert.Contains("-1", error.Message);
        error = Assert.ThrowsAny<ArgumentException>(() => descriptor.Create(new[] { p }, new Dictionary<string, object> { ["weight_decay"] = double.NaN }));
        Assert.Contains("weight_decay", error.Message);
    }

    [Fact]
    public void GroupHyperparametersAreValidatedWhenTheGroupIsAdded()
    {
        var p = new Parameter(ones(2));
        var error = Assert.Throws<ArgumentException>(() =>
            new Adam(new[] { new DescentParamGroup<Adam.Options>(new[] { p }, new Adam.Options { beta2 = 1.5 }) }));
        Assert.Contains("beta2 = 1.5", error.Message);
        Assert.Contains("[0, 1)", error.Message);
    }

    [Fact]
    public void SettingBetasOrMomentumOnTheOptimizerSetsTheDefaultsAndEveryGroup()
    {
        var (a, b) = (new Parameter(ones(2)), new Parameter(ones(2)));
        using var adam = new Adam(new[] { new DescentParamGroup<Adam.Options>(new[] { a }), new DescentParamGroup<Adam.Options>(new[] { b }, new() { beta1 = 0.5 }) });
        adam.Betas = (0.8, 0.95);
        Assert.All(adam.Groups, g => Assert.Equal((0.8, 0.95), ((TorchSharp.torch.optim.IBetas)g).Betas));
        Assert.Equal((0.8, 0.95), adam.Betas);
        using var sgd = new SGD(new[] { a }, momentum: 0.9);
        sgd.Momentum = 0.5;
        Assert.Equal(0.5, ((TorchSharp.torch.optim.IMomentum)sgd.Groups[0]).Momentum);
        Assert.Equal(0.5, sgd.Momentum);
    }

    [Theory]
    [InlineData("SGD")]
    [InlineData("RMSprop")]
    [InlineData("Signum")]
    [InlineData("NormalizedSGD")]
    public void MomentumSwitchedOnLaterStartsABufferAtTheStatePrecision(string name)
    {
        TorchSetup.Deterministic();
        var p = new Parameter(randn(3, 2));
        using var optimizer = Problems.Build(name, new[] { p }, ("momentum", 0.0));
        optimizer.StatePrecision = StatePrecision.BFloat16;
        Assert.DoesNotContain("momentum_buffer", optimizer.StateOf(p).TensorNames);
        ((TorchSharp.torch.optim.IMomentum)optimizer).Momentum = 0.9;
        p.grad = ones(3, 2);
        optimizer.step();
        Assert.Equal(ScalarType.BFloat16, optimizer.StateOf(p)["momentum_buffer"].dtype);
    }

    [Fact]
    public void AParameterMayNotBeInTwoGroups()
    {
        var p = new Parameter(ones(2));
        using var adam = new Adam(new[] { p });
        Assert.Throws<ArgumentException>(() => adam.add_param_group(new DescentParamGroup<Adam.Options>(new[] { p })));
    }

    [Fact]
    public void NamedParametersAppearInErrors()
    {
        var w = new Parameter(ones(2));
        using var sgd = new SGD(new[] { new DescentParamGroup<SGD.Options>(new[] { ("encoder.weight", w) }) }, lr: 0.1);
        w.grad = tensor(new[] { 1.0f, float.NaN });
        var error = Assert.Throws<NonFiniteGradientException>(() => sgd.step());
        Assert.Contains("encoder.weight", error.Message);
    }

    [Fact]
    public void GroupsWithTheirOwnHyperparametersEqualSeparateOptimizers()
    {
        TorchSetup.Deterministic();
        var (a, lossA) = Problems.Regression(seed: 3);
        var (b, lossB) = Problems.Regression(seed: 3);
        using var grouped = new Adam(new[] {
            new DescentParamGroup<Adam.Options>(new[] { a[0] }, new Adam.Options { lr = 0.05, beta1 = 0.8 }),
            new DescentParamGroup<Adam.Options>(new[] { a[1] }),
        }, lr: 0.01);
        using var first = new Adam(new[] { b[0] }, lr: 0.05, beta1: 0.8);
        using var second = new Adam(new[] { b[1] }, lr: 0.01);
        for (var i = 0; i < 5; i++) {
            Problems.Backward(a, lossA);
            grouped.step();
            Problems.Backward(b, lossB);
            first.step();
            second.step();
        }
        Assert.Equal(Problems.Snapshot(b), Problems.Snapshot(a));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void AStepLeavesNoLiveTemporaries(string name)
    {
        TorchSetup.Deterministic();
        var (parameters, loss) = Problems.Regression();
        using var optimizer = OptimizerCatalog.Get(name).Create(parameters);
        TakeSteps(optimizer, parameters, loss, 1);
        Problems.Backward(parameters, loss);
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        optimizer.step();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    internal static void TakeSteps(DescentOptimizer optimizer, IList<Parameter> parameters, Func<Tensor> loss, int steps)
    {
        for (var i = 0; i < steps; i++) {
            Problems.Backward(parameters, loss);
            optimizer.step();
        }
    }
}
