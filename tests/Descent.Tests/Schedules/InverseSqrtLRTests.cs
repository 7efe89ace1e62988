using System;
using Descent.Schedules;
using TorchSharp;
using Xunit;

namespace Descent.Tests.Schedules;

/// <summary><see cref="InverseSqrtLR"/> against its closed form, the spec's test values and HF's LambdaLR.</summary>
public class InverseSqrtLRTests
{
    /// <summary>The closed form of optimizer-specs §37.4.</summary>
    private static double Expected(int s, int warmup, int timescale) =>
        s < warmup ? s / (double)Math.Max(1, warmup) : Math.Sqrt(timescale / (double)(s + timescale - warmup));

    [Fact]
    public void SpecTestValues()
    {
        // optimizer-specs §37.4, W 100 (so τ = 100): f(50, 100, 400, 10000) = 0.5, 1, 0.5, 0.1.
        using var sgd = new SgdHarness(1.0);
        var scheduler = new InverseSqrtLR(sgd.Optimizer, warmup_steps: 100);
        Assert.Equal(100, scheduler.Timescale);
        var rates = sgd.Run(scheduler, 10_000);
        foreach (var (step, factor) in new[] { (50, 0.5), (100, 1.0), (400, 0.5), (10_000, 0.1) }) {
            ScheduleAssert.Close(factor, rates[step][0], step);
        }
        // With τ = W the decay is √(W / s).
        for (var s = 100; s <= 10_000; s += 37) {
            ScheduleAssert.Close(Math.Sqrt(100.0 / s), rates[s][0], s);
        }
    }

    [Fact]
    public void TwoGroupsWithAnExplicitTimescaleFollowTheClosedFormAtEveryStep()
    {
        double[] baseRates = { 0.01, 0.003 };
        using var sgd = new SgdHarness(baseRates);
        var rates = sgd.Run(new InverseSqrtLR(sgd.Optimizer, warmup_steps: 4, timescale: 10), 300);
        ScheduleAssert.Sequence(rates, (s, g) => baseRates[g] * Expected(s, 4, 10));
    }

    [Fact]
    public void WithoutWarmupTheTimescaleDefaultsTo10000AndTheScheduleStartsAtTheBaseRate()
    {
        using var sgd = new SgdHarness(0.5);
        var scheduler = new InverseSqrtLR(sgd.Optimizer, warmup_steps: 0);
        Assert.Equal(10_000, scheduler.Timescale);
        var rates = sgd.Run(scheduler, 50);
        ScheduleAssert.Sequence(rates, (s, _) => 0.5 / Math.Sqrt((s + 10_000) / 10_000.0));
        ScheduleAssert.Close(0.5, rates[0][0], 0);
        ScheduleAssert.Close(0.5 / Math.Sqrt(3), scheduler.Factor(20_000) * 0.5, 20_000);
    }

    [Fact]
    public void StepsExactlyLikeTorchSharpsLambdaLRWithTheHuggingFaceLambda()
    {
        // HF get_inverse_sqrt_schedule's lambda, written as there: shift = τ − W; 1 / √((s + shift) / τ).
        static double HuggingFace(int s)
        {
            const int warmup = 7, timescale = 3;
            if (s < warmup) {
                return s / (double)Math.Max(1, warmup);
            }
            var shift = timescale - warmup;
            return 1.0 / Math.Sqrt((s + shift) / (double)timescale);
        }
        using var ours = new SgdHarness(0.2, 0.7);
        using var reference = new SgdHarness(0.2, 0.7);
        var mine = ours.Run(new InverseSqrtLR(ours.Optimizer, 7, timescale: 3), 200);
        var theirs = reference.Run(torch.optim.lr_scheduler.LambdaLR(reference.Optimizer, HuggingFace), 200);
        Assert.Equal(theirs, mine);
    }

    [Fact]
    public void LastEpochResumesAndStepWithEpochJumps()
    {
        using var sgd = new SgdHarness(1.0);
        var scheduler = new InverseSqrtLR(sgd.Optimizer, warmup_steps: 100, last_epoch: 399);
        ScheduleAssert.Close(0.5, sgd.LearningRates[0], 400);
        scheduler.step(10_000);
        ScheduleAssert.Close(0.1, sgd.LearningRates[0], 10_000);
        scheduler.step(0);
        Assert.Equal(0.0, sgd.LearningRates[0]);
        scheduler.step();
        ScheduleAssert.Close(0.01, sgd.LearningRates[0], 1);
    }

    [Fact]
    public void RejectsOutOfRangeArgumentsAndLeavesTheOptimizerUntouched()
    {
        using var sgd = new SgdHarness(0.1);
        var o = sgd.Optimizer;
        ScheduleAssert.OutOfRange(() => new InverseSqrtLR(o, -1), "warmup_steps", "-1", "[0, 2147483647]");
        ScheduleAssert.OutOfRange(() => new InverseSqrtLR(o, 10, timescale: 0), "timescale", "0", "[1, 2147483647]");
        ScheduleAssert.OutOfRange(
            () => new InverseSqrtLR(o, 10, last_epoch: -3), "last_epoch", "-3", "[-1, 2147483646]");
        ScheduleAssert.OutOfRange(
            () => new InverseSqrtLR(o, 10, last_epoch: int.MaxValue), "last_epoch", "2147483647", "[-1, 2147483646]");
        Assert.Equal(0.1, sgd.LearningRates[0]);
        Assert.Throws<ArgumentNullException>("optimizer", () => new InverseSqrtLR(null!, 10));

        var scheduler = new InverseSqrtLR(o, 10);
        ScheduleAssert.OutOfRange(() => scheduler.step(0.5, -1), "epoch", "-1", "[0, 2147483647]");
        ScheduleAssert.OutOfRange(() => scheduler.Factor(int.MinValue), "step", "-2147483648", "[0, 2147483647]");
    }
}
