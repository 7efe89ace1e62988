using System;
using System.Linq;
using Descent.Schedules;
using TorchSharp;
using Xunit;

namespace Descent.Tests.Schedules;

/// <summary><see cref="WarmupCosineLR"/> against its closed form, the spec's test values and HF's LambdaLR.</summary>
public class WarmupCosineLRTests
{
    /// <summary>The closed form of optimizer-specs §37.1 with the floor r, held at r after T.</summary>
    private static double Expected(int s, int warmup, int total, double floor)
    {
        if (s < warmup) {
            return s / (double)Math.Max(1, warmup);
        }
        if (s >= total) {
            return floor;
        }
        var progress = (s - warmup) / (double)Math.Max(1, total - warmup);
        return floor + (1 - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>HF transformers' cosine-with-min-lr lambda as written there (num_cycles 0.5), with no clamp.</summary>
    private static double HuggingFaceLambda(int s, int warmup, int total, double floor)
    {
        if (s < warmup) {
            return s / (double)Math.Max(1, warmup);
        }
        var progress = (s - warmup) / (double)Math.Max(1, total - warmup);
        var factor = 0.5 * (1.0 + Math.Cos(Math.PI * 0.5 * 2.0 * progress));
        return Math.Max(0, factor * (1 - floor) + floor);
    }

    [Fact]
    public void SpecTestValues()
    {
        // optimizer-specs §37.1, W 10, T 110: f(0, 5, 10, 35, 60, 85, 110) = 0, 0.5, 1, 0.8535534, 0.5, 0.1464466, 0.
        // The two irrational values are (1 ± cos(π/4)) / 2 = (2 ± √2) / 4.
        using var sgd = new SgdHarness(1.0);
        var rates = sgd.Run(new WarmupCosineLR(sgd.Optimizer, warmup_steps: 10, total_steps: 110), 110);
        var expected = new (int Step, double Factor)[] {
            (0, 0.0), (5, 0.5), (10, 1.0), (35, (2 + Math.Sqrt(2)) / 4),
            (60, 0.5), (85, (2 - Math.Sqrt(2)) / 4), (110, 0.0),
        };
        foreach (var (step, factor) in expected) {
            ScheduleAssert.Close(factor, rates[step][0], step);
        }
        Assert.Equal(0.8535534, rates[35][0], 7);
        Assert.Equal(0.1464466, rates[85][0], 7);
    }

    [Fact]
    public void TwoGroupsWithFloorFollowTheClosedFormAtEveryStep()
    {
        double[] baseRates = { 0.1, 0.03 };
        using var sgd = new SgdHarness(baseRates);
        var scheduler = new WarmupCosineLR(sgd.Optimizer, warmup_steps: 7, total_steps: 50, min_lr_ratio: 0.1);
        var rates = sgd.Run(scheduler, 80);
        ScheduleAssert.Sequence(rates, (s, g) => baseRates[g] * Expected(s, 7, 50, 0.1));
        ScheduleAssert.Close(0.1 * 0.1, rates[50][0], 50);
        ScheduleAssert.Close(0.03 * 0.1, rates[80][1], 80, 1);
        var steps = Enumerable.Range(0, 81).ToArray();
        Assert.Equal(steps.Select(s => Expected(s, 7, 50, 0.1)), steps.Select(scheduler.Factor));
    }

    [Fact]
    public void StepsExactlyLikeTorchSharpsLambdaLRWithTheHuggingFaceLambdaUpToTotalSteps()
    {
        using var ours = new SgdHarness(0.5, 0.25);
        using var reference = new SgdHarness(0.5, 0.25);
        var scheduler = new WarmupCosineLR(ours.Optimizer, warmup_steps: 12, total_steps: 40, min_lr_ratio: 0.05);
        var mine = ours.Run(scheduler, 60);
        var lambda = torch.optim.lr_scheduler.LambdaLR(reference.Optimizer, s => HuggingFaceLambda(s, 12, 40, 0.05));
        var theirs = reference.Run(lambda, 60);
        for (var s = 0; s <= 40; s++) {
            Assert.Equal(theirs[s], mine[s]);
        }
        // Past T the HF lambda climbs back along the cosine; this scheduler holds the floor.
        Assert.True(theirs[60][0] > 0.5 * 0.2, $"HF lambda at s = 60: {theirs[60][0]:R}");
        ScheduleAssert.Close(0.5 * 0.05, mine[60][0], 60);
    }

    [Fact]
    public void WithoutWarmupStartsAtTheBaseRateAndWarmupEqualToTotalDropsToTheFloor()
    {
        using var sgd = new SgdHarness(0.2);
        var rates = sgd.Run(new WarmupCosineLR(sgd.Optimizer, warmup_steps: 0, total_steps: 4), 6);
        ScheduleAssert.Sequence(rates, (s, _) => 0.2 * Expected(s, 0, 4, 0.0));
        ScheduleAssert.Close(0.2, rates[0][0], 0);

        using var flat = new SgdHarness(0.2);
        var edge = flat.Run(new WarmupCosineLR(flat.Optimizer, warmup_steps: 4, total_steps: 4, min_lr_ratio: 0.5), 8);
        double[] expected = { 0.0, 0.05, 0.1, 0.15, 0.2, 0.1, 0.1, 0.1, 0.1 };
        ScheduleAssert.Sequence(edge, (s, _) => expected[s]);
    }

    [Fact]
    public void LastEpochResumesAndStepWithEpochJumps()
    {
        using var sgd = new SgdHarness(0.1);
        var scheduler = new WarmupCosineLR(sgd.Optimizer, warmup_steps: 10, total_steps: 110, last_epoch: 20);
        ScheduleAssert.Close(0.1 * Expected(21, 10, 110, 0), sgd.LearningRates[0], 21);
        scheduler.step();
        ScheduleAssert.Close(0.1 * Expected(22, 10, 110, 0), sgd.LearningRates[0], 22);
        scheduler.step(5);
        ScheduleAssert.Close(0.05, sgd.LearningRates[0], 5);
        scheduler.step();
        ScheduleAssert.Close(0.06, sgd.LearningRates[0], 6);
        scheduler.step(0.0, 60);
        ScheduleAssert.Close(0.05, sgd.LearningRates[0], 60);
    }

    [Fact]
    public void TheOptimizerUpdatesParametersWithTheScheduledRate()
    {
        // Loss Σθ has gradient 1, so plain SGD moves every entry by −lr(s) at step s.
        using var sgd = new SgdHarness(0.1, 0.4);
        var scheduler = new WarmupCosineLR(sgd.Optimizer, warmup_steps: 3, total_steps: 9);
        var moved = new double[2];
        for (var s = 0; s < 12; s++) {
            var rates = sgd.LearningRates;
            sgd.Optimizer.zero_grad();
            using (torch.NewDisposeScope()) {
                (sgd.Parameters[0].sum() + sgd.Parameters[1].sum()).backward();
            }
            sgd.Optimizer.step();
            scheduler.step();
            moved[0] -= rates[0];
            moved[1] -= rates[1];
        }
        Assert.Equal(moved[0], sgd.Parameters[0].data<double>()[0], 12);
        Assert.Equal(moved[1], sgd.Parameters[1].data<double>()[1], 12);
        Assert.True(moved[1] < -1.0);
    }

    [Fact]
    public void RejectsOutOfRangeArgumentsAndLeavesTheOptimizerUntouched()
    {
        using var sgd = new SgdHarness(0.1);
        var o = sgd.Optimizer;
        ScheduleAssert.OutOfRange(
            () => new WarmupCosineLR(o, -1, 110), "warmup_steps", "-1", "[0, total_steps] = [0, 110]");
        ScheduleAssert.OutOfRange(
            () => new WarmupCosineLR(o, 111, 110), "warmup_steps", "111", "[0, total_steps] = [0, 110]");
        ScheduleAssert.OutOfRange(() => new WarmupCosineLR(o, 0, 0), "total_steps", "0", "[1, 2147483647]");
        ScheduleAssert.OutOfRange(() => new WarmupCosineLR(o, 10, 110, -0.1), "min_lr_ratio", "-0.1", "[0, 1]");
        ScheduleAssert.OutOfRange(() => new WarmupCosineLR(o, 10, 110, 1.5), "min_lr_ratio", "1.5", "[0, 1]");
        ScheduleAssert.OutOfRange(() => new WarmupCosineLR(o, 10, 110, double.NaN), "min_lr_ratio", "NaN", "[0, 1]");
        ScheduleAssert.OutOfRange(
            () => new WarmupCosineLR(o, 10, 110, last_epoch: -2), "last_epoch", "-2", "[-1, 2147483646]");
        Assert.Equal(0.1, sgd.LearningRates[0]);
        Assert.Throws<ArgumentNullException>("optimizer", () => new WarmupCosineLR(null!, 10, 110));

        var scheduler = new WarmupCosineLR(o, 10, 110);
        ScheduleAssert.OutOfRange(() => scheduler.step(-1), "epoch", "-1", "[0, 2147483647]");
        ScheduleAssert.OutOfRange(() => scheduler.Factor(-1), "step", "-1", "[0, 2147483647]");
    }
}
