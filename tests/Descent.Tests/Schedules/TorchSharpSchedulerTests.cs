using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Optimizers;
using Descent.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;
using static TorchSharp.torch.optim.lr_scheduler;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Schedules;

/// <summary>
/// Every TorchSharp LR scheduler drives Descent optimizers exactly as it drives TorchSharp's own: the learning rate,
/// momentum and β1 sequences are equal step by step.
/// </summary>
public class TorchSharpSchedulerTests
{
    private const int Steps = 12;

    public static IEnumerable<object[]> Schedulers() => s_schedulers.Keys.Select(k => new object[] { k });

    private static readonly Dictionary<string, Func<Optimizer, LRScheduler>> s_schedulers = new() {
        ["LambdaLR"] = o => LambdaLR(o, epoch => 1.0 / (1 + epoch)),
        ["MultiplicativeLR"] = o => MultiplicativeLR(o, _ => 0.9),
        ["StepLR"] = o => StepLR(o, 3, 0.5),
        ["MultiStepLR"] = o => MultiStepLR(o, new[] { 2, 5, 9 }, 0.3),
        ["PolynomialLR"] = o => PolynomialLR(o, 10, 2.0),
        ["ExponentialLR"] = o => ExponentialLR(o, 0.8),
        ["ConstantLR"] = o => ConstantLR(o, 0.25, 4),
        ["LinearLR"] = o => LinearLR(o, 0.25, 1.0, 6),
        ["SequentialLR"] = o => SequentialLR(o, new[] { LinearLR(o, 0.5, 1.0, 3), ExponentialLR(o, 0.9) }, new[] { 3 }),
        ["ChainedLR"] = o => ChainedLR(new[] { StepLR(o, 4, 0.5), ExponentialLR(o, 0.95) }),
        ["CosineAnnealingLR"] = o => CosineAnnealingLR(o, 10, 0.001),
        ["CyclicLR"] = o => CyclicLR(o, 0.01, 0.1, step_size_up: 3),
        ["OneCycleLR"] = o => OneCycleLR(o, 0.1, total_steps: Steps + 1),
        ["ReduceLROnPlateau"] = o => ReduceLROnPlateau(o, patience: 1, factor: 0.5),
    };

    [Theory]
    [MemberData(nameof(Schedulers))]
    public void DrivesDescentSgdLikeTorchSharpSgd(string scheduler)
    {
        // The tensor path, whose float32 operations are libtorch's own, so parameters match bit for bit too (the fused
        // kernel's agreement with it is FusedKernelTests' subject).
        var descent = Trace(ps => new SGD(ps, lr: 0.1, momentum: 0.9) { FusedKernels = false }, scheduler, o => ((IMomentum)o).Momentum);
        var torchsharp = Trace(ps => SGD(ps, 0.1, momentum: 0.9), scheduler, o => ((IMomentum)o).Momentum);
        Assert.Equal(torchsharp, descent);
    }

    [Theory]
    [MemberData(nameof(Schedulers))]
    public void DrivesDescentAdamLikeTorchSharpAdam(string scheduler)
    {
        if (scheduler == "CyclicLR") {
            return; // CyclicLR cycles momentum, which Adam does not have (TorchSharp's Adam is refused likewise).
        }
        var descent = Trace(ps => new Adam(ps, lr: 0.1) { FusedKernels = false }, scheduler, o => ((IBetas)o).Betas.Item1);
        var torchsharp = Trace(ps => Adam(ps, 0.1), scheduler, o => ((IBetas)o).Betas.Item1);
        Assert.Equal(torchsharp, descent);
    }

    [Fact]
    public void CyclicLRRefusesAnOptimizerWithoutMomentumClearly()
    {
        var p = new Parameter(ones(2));
        using var adam = new Adam(new[] { p });
        Assert.ThrowsAny<Exception>(() => CyclicLR(adam, 0.01, 0.1));
    }

    // Learning rate of every group and the cycled hyperparameter of the first group, after each scheduler step.
    private static List<double> Trace(Func<IEnumerable<Parameter>, Optimizer> build, string scheduler, Func<object, double> cycled)
    {
        TorchSetup.Deterministic();
        var p = new Parameter(ones(3));
        var optimizer = build(new[] { p });
        var schedule = s_schedulers[scheduler](optimizer);
        var trace = new List<double>();
        for (var step = 0; step < Steps; step++) {
            p.grad = full(3, 0.5);
            optimizer.step();
            if (scheduler == "ReduceLROnPlateau") {
                schedule.step(1.0);
            } else {
                schedule.step();
            }
            trace.AddRange(optimizer.ParamGroups.Select(g => g.LearningRate));
            trace.Add(cycled(optimizer.ParamGroups.First()));
        }
        trace.AddRange(p.data<float>().ToArray().Select(v => (double)v));
        return trace;
    }
}
