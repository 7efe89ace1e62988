using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Flat;

/// <summary>
/// Flat buffers (<see cref="DescentOptimizer.FlatBuffers"/>): for every elementwise optimizer the packed path must give
/// the per-parameter trajectory bit for bit (the same elementwise operations, in the same order, on the same values),
/// and stay equal through everything that breaks a view: modules' zero_grad (null gradients), parameters without a
/// gradient, checkpoints, precision changes, 16-bit parameters.
/// </summary>
public class FlatBufferTests
{
    private const int Steps = 12;

    public static IEnumerable<object[]> Elementwise() =>
        OptimizerCatalog.All.Where(d => !d.IsMatrix && IsElementwise(d.Name)).Select(d => new object[] { d.Name });

    // Variants that change the rule's path: momentum and Nesterov, AMSGrad, centred RMSprop, each weight decay mode.
    public static IEnumerable<object[]> Variants() => new[] {
        new object[] { "SGD", "momentum=0.9,nesterov=true,weight_decay=0.01" },
        new object[] { "SGD", "momentum=0.9,dampening=0.1,maximize=true" },
        new object[] { "Adam", "amsgrad=true,weight_decay=0.1" },
        new object[] { "Adam", "weight_decay=0.1,weight_decay_mode=Decoupled" },
        new object[] { "Adam", "weight_decay=0.1,weight_decay_mode=Cautious" },
        new object[] { "RMSprop", "centered=true,momentum=0.5" },
        new object[] { "Adagrad", "lr_decay=0.01,initial_accumulator_value=0.1" },
    };

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void FlatTrajectoryEqualsThePerParameterTrajectoryBitForBit(string name)
    {
        var (flat, packed) = Train(name, flat: true);
        var (single, none) = Train(name, flat: false);
        Assert.Equal(6, packed);
        Assert.Equal(0, none);
        Assert.Equal(single, flat);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void VariantsOfTheRulesAreEqualToo(string name, string options)
    {
        var overrides = OptimizerOverrides.Parse(name, options);
        Assert.Equal(Train(name, flat: false, overrides).Values, Train(name, flat: true, overrides).Values);
    }

    [Fact]
    public void PackedParametersShareOneStorageAndKeepTheirIdentity()
    {
        using var model = Model(ScalarType.Float32);
        var parameters = model.parameters().ToList();
        using var optimizer = new Adam(parameters, lr: 0.01);
        Assert.Empty(optimizer.PackedParameters);
        Step(model, optimizer, 0);
        Assert.Equal(parameters, optimizer.PackedParameters);
        Assert.Equal(parameters, model.parameters().ToList());
        var storages = parameters.Select(p => p.storage<float>().data_ptr()).Distinct().ToList();
        Assert.Single(storages);
        var grads = parameters.Select(p => p.grad!.storage<float>().data_ptr()).Distinct().ToList();
        Assert.Single(grads);
        var state = optimizer.StateOf(parameters[2]);
        Assert.Equal(parameters[2].shape, state["exp_avg"].shape);
        Assert.Single(parameters.Select(p => optimizer.StateOf(p)["exp_avg_sq"].storage<float>().data_ptr()).Distinct());
    }

    // Module.zero_grad() sets gradients to null, so backward allocates new ones outside the buffer; the optimizer copies
    // them in and re-points the gradients at the buffer every step.
    [Theory]
    [InlineData("Adam")]
    [InlineData("SGD")]
    public void ModulesZeroGradThatNullsGradientsKeepsTheTrajectory(string name)
    {
        using (var probe = Model(ScalarType.Float32)) {
            Backward(probe, 0);
            probe.zero_grad();
            Assert.All(probe.parameters(), p => Assert.Null(p.grad));
        }
        var overrides = name == "SGD" ? new Dictionary<string, object> { ["momentum"] = 0.9 } : null;
        var expected = Train(name, flat: false, overrides).Values;
        var (actual, packed) = Train(name, flat: true, overrides, moduleZeroGrad: true);
        Assert.Equal(6, packed);
        Assert.Equal(expected, actual);
    }

    // A parameter without a gradient on some step is skipped by the rule; the flat path cannot skip part of a buffer,
    // so that step goes parameter by parameter, and later steps may be flat again.
    [Fact]
    public void AStepWhereSomeParameterHasNoGradientGoesParameterByParameter()
    {
        void DropSecondGradient(TorchSharp.Modules.Sequential model, DescentOptimizer optimizer, int step)
        {
            if (step == 4) {
                model.parameters().ElementAt(1).grad = null;
            }
        }
        var expected = Train("Adam", flat: false, hook: DropSecondGradient).Values;
        var actual = Train("Adam", flat: true, hook: DropSecondGradient).Values;
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void FrozenParametersStayOutOfTheBuffer()
    {
        using var model = Model(ScalarType.Float32);
        var parameters = model.parameters().ToList();
        parameters[0].requires_grad = false;
        using var optimizer = new Adam(parameters, lr: 0.01);
        Step(model, optimizer, 0);
        Assert.Equal(parameters.Skip(1), optimizer.PackedParameters);
        Assert.Equal(0, optimizer.StateOf(parameters[0]).Step);
    }

    [Fact]
    public void SavingLoadingAndContinuingEqualsTrainingWithoutInterruption()
    {
        var expected = Train("Adam", flat: false).Values;
        var path = Path.Combine(Path.GetTempPath(), $"flat-{Guid.NewGuid():N}.ckpt");
        try {
            var actual = Train("Adam", flat: true, hook: (model, optimizer, step) => {
                if (step == 5) {
                    optimizer.SaveCheckpoint(path);
                    // Scramble the live state, then load: the load must land in the buffers.
                    foreach (var state in optimizer.States()) {
                        state["exp_avg"].fill_(123f);
                    }
                    optimizer.LoadCheckpoint(path);
                }
            }).Values;
            Assert.Equal(expected, actual);
        } finally {
            File.Delete(path);
        }
    }

    [Fact]
    public void ChangingTheStatePrecisionMidwayRepacksTheState()
    {
        void ToBFloat16(TorchSharp.Modules.Sequential model, DescentOptimizer optimizer, int step)
        {
            if (step == 3) {
                optimizer.StatePrecision = StatePrecision.BFloat16;
            }
        }
        var expected = Train("Adam", flat: false, hook: ToBFloat16).Values;
        var (actual, packed) = Train("Adam", flat: true, hook: ToBFloat16);
        Assert.Equal(6, packed);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void BFloat16ParametersWithFloat32StateAreEqual()
    {
        var expected = Train("AdamW", flat: false, dtype: ScalarType.BFloat16).Values;
        var (actual, packed) = Train("AdamW", flat: true, dtype: ScalarType.BFloat16);
        Assert.Equal(6, packed);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void NonFiniteGradientInABufferNamesTheParameterAndChangesNothing()
    {
        using var model = Model(ScalarType.Float32);
        var parameters = model.parameters().ToList();
        using var optimizer = new Adam(parameters, lr: 0.01);
        Step(model, optimizer, 0);
        var before = Problems.Snapshot(parameters);
        Backward(model, 1);
        parameters[3].grad![0] = float.NaN;
        var error = Assert.Throws<NonFiniteGradientException>(() => optimizer.step());
        Assert.Contains("#3", error.Message);
        Assert.Equal(before, Problems.Snapshot(parameters));
        Assert.All(optimizer.States(), s => Assert.Equal(1, s.Step));
    }

    [Fact]
    public void OptimizerZeroGradZeroesThePackedGradientsAndKeepsThemPacked()
    {
        using var model = Model(ScalarType.Float32);
        var parameters = model.parameters().ToList();
        using var optimizer = new SGD(parameters, lr: 0.01);
        Step(model, optimizer, 0);
        Backward(model, 1);
        optimizer.zero_grad();
        Assert.All(parameters, p => Assert.Equal(0, p.grad!.abs().sum().ToDouble()));
        Assert.Single(parameters.Select(p => p.grad!.storage<float>().data_ptr()).Distinct());
    }

    private static bool IsElementwise(string name)
    {
        var (parameters, _) = Problems.Regression();
        using var optimizer = OptimizerCatalog.Get(name).Create(parameters);
        return optimizer.GetType().GetProperty("IsElementwise")!.GetValue(optimizer) is true;
    }

    // Trains a fresh seeded model for Steps steps; returns the final parameters and how many were packed.
    private static (double[][] Values, int Packed) Train(string name, bool flat, IReadOnlyDictionary<string, object>? overrides = null,
        Action<TorchSharp.Modules.Sequential, DescentOptimizer, int>? hook = null, ScalarType dtype = ScalarType.Float32,
        bool moduleZeroGrad = false)
    {
        TorchSetup.Deterministic();
        using var model = Model(dtype);
        using var optimizer = OptimizerCatalog.Get(name).Create(model.parameters(), overrides);
        optimizer.FlatBuffers = flat;
        for (var step = 0; step < Steps; step++) {
            Step(model, optimizer, step, hook, moduleZeroGrad);
        }
        return (Problems.Snapshot(model.parameters()), optimizer.PackedParameters.Count);
    }

    private static void Step(TorchSharp.Modules.Sequential model, DescentOptimizer optimizer, int step,
        Action<TorchSharp.Modules.Sequential, DescentOptimizer, int>? hook = null, bool moduleZeroGrad = false)
    {
        if (moduleZeroGrad) {
            model.zero_grad();
        } else {
            optimizer.zero_grad();
        }
        Backward(model, step);
        hook?.Invoke(model, optimizer, step);
        optimizer.step();
    }

    private static void Backward(TorchSharp.Modules.Sequential model, int step)
    {
        using var scope = NewDisposeScope();
        var dtype = model.parameters().First().dtype;
        using var generator = new Generator((ulong)(100 + step));
        var x = randn(16, 6, generator: generator).to(dtype);
        var y = randn(16, 3, generator: generator).to(dtype);
        (model.call(x) - y).pow(2).mean().backward();
    }

    // Six parameters of different shapes: three Linear layers with biases.
    private static TorchSharp.Modules.Sequential Model(ScalarType dtype)
    {
        manual_seed(7);
        var model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3));
        model.to(dtype);
        return model;
    }
}
