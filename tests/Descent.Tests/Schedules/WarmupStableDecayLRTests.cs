using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Schedules;
using Xunit;

namespace Descent.Tests.Schedules;

/// <summary><see cref="WarmupStableDecayLR"/> against its closed form and the spec's test values.</summary>
public class WarmupStableDecayLRTests
{
    /// <summary>The closed form of optimizer-specs §37.3 (HF get_wsd_schedule with num_cycles 0.5).</summary>
    private static double Expected(int s, int w, int stable, int d, WarmupShape warmup, DecayShape decay, double r)
    {
        if (s < w) {
            var p = s / (double)Math.Max(1, w);
            var g = warmup switch {
                WarmupShape.Linear => p,
                WarmupShape.Cosine => (1 - Math.Cos(Math.PI * p)) / 2,
                WarmupShape.OneMinusSqrt => 1 - Math.Sqrt(1 - p),
                _ => throw new ArgumentOutOfRangeException(nameof(warmup)),
            };
            return r + (1 - r) * g;
        }
        if (s < w + stable) {
            return 1.0;
        }
        if (s < w + stable + d) {
            var p = (s - w - stable) / (double)Math.Max(1, d);
            var g = decay switch {
                DecayShape.Linear => 1 - p,
                DecayShape.Cosine => (1 + Math.Cos(Math.PI * p)) / 2,
                DecayShape.OneMinusSqrt => 1 - Math.Sqrt(p),
                _ => throw new ArgumentOutOfRangeException(nameof(decay)),
            };
            return r + (1 - r) * g;
        }
        return r;
    }

    public static IEnumerable<object[]> AllShapes() =>
        from warmup in Enum.GetValues<WarmupShape>()
        from decay in Enum.GetValues<DecayShape>()
        select new object[] { warmup, decay };

    [Fact]
    public void SpecTestValues()
    {
        // optimizer-specs §37.3, W 10, S 50, D 40, linear: f(5, 30, 60, 80, 100) = 0.5, 1, 1, 0.5, 0;
        // at s = 80 cosine 0.5 and 1-sqrt 0.2928932 = 1 − √½.
        using var sgd = new SgdHarness(1.0);
        var linear = new WarmupStableDecayLR(
            sgd.Optimizer, warmup_steps: 10, decay_steps: 40, stable_steps: 50, decay_type: DecayShape.Linear);
        var rates = sgd.Run(linear, 100);
        foreach (var (step, factor) in new[] { (5, 0.5), (30, 1.0), (60, 1.0), (80, 0.5), (100, 0.0) }) {
            ScheduleAssert.Close(factor, rates[step][0], step);
        }

        using var cosineSgd = new SgdHarness(1.0);
        var cosine = new WarmupStableDecayLR(
            cosineSgd.Optimizer, 10, 40, stable_steps: 50, decay_type: DecayShape.Cosine);
        ScheduleAssert.Close(0.5, cosineSgd.Run(cosine, 80)[80][0], 80);

        using var sqrtSgd = new SgdHarness(1.0);
        var sqrt = new WarmupStableDecayLR(
            sqrtSgd.Optimizer, 10, 40, stable_steps: 50, decay_type: DecayShape.OneMinusSqrt);
        var at80 = sqrtSgd.Run(sqrt, 80)[80][0];
        ScheduleAssert.Close(1 - Math.Sqrt(0.5), at80, 80);
        Assert.Equal(0.2928932, at80, 7);
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void TwoGroupsFollowTheClosedFormAtEveryStep(WarmupShape warmup, DecayShape decay)
    {
        double[] baseRates = { 0.2, 0.05 };
        using var sgd = new SgdHarness(baseRates);
        var scheduler = new WarmupStableDecayLR(
            sgd.Optimizer, warmup_steps: 6, decay_steps: 8, total_steps: 19,
            warmup_type: warmup, decay_type: decay, min_lr_ratio: 0.25);
        var rates = sgd.Run(scheduler, 30);
        ScheduleAssert.Sequence(rates, (s, g) => baseRates[g] * Expected(s, 6, 5, 8, warmup, decay, 0.25));
        // The warmup starts at the floor, and the floor holds after W + S + D.
        ScheduleAssert.Close(0.2 * 0.25, rates[0][0], 0);
        ScheduleAssert.Close(0.05 * 0.25, rates[30][1], 30, 1);
    }

    [Fact]
    public void DefaultsAreLinearWarmupCosineDecayAndNoFloor()
    {
        using var sgd = new SgdHarness(0.3);
        var scheduler = new WarmupStableDecayLR(sgd.Optimizer, warmup_steps: 4, decay_steps: 6, total_steps: 15);
        var rates = sgd.Run(scheduler, 20);
        ScheduleAssert.Sequence(rates, (s, _) => 0.3 * Expected(s, 4, 5, 6, WarmupShape.Linear, DecayShape.Cosine, 0));
    }

    [Fact]
    public void StableStepsComeFromTotalStepsOrAreGivenWhicheverIsSupplied()
    {
        using var a = new SgdHarness(0.1);
        using var b = new SgdHarness(0.1);
        using var c = new SgdHarness(0.1);
        var fromTotal = a.Run(new WarmupStableDecayLR(a.Optimizer, 3, 4, total_steps: 12), 15);
        var fromStable = b.Run(new WarmupStableDecayLR(b.Optimizer, 3, 4, stable_steps: 5), 15);
        var fromBoth = c.Run(new WarmupStableDecayLR(c.Optimizer, 3, 4, total_steps: 12, stable_steps: 5), 15);
        Assert.Equal(fromTotal, fromStable);
        Assert.Equal(fromTotal, fromBoth);
        Assert.Equal(new[] { 0.1, 0.1, 0.1, 0.1, 0.1 }, fromTotal.Skip(3).Take(5).Select(r => r[0]));
    }

    [Fact]
    public void EmptyPhasesAreSkipped()
    {
        // No warmup and no decay: the base rate for S steps, then the floor.
        using var sgd = new SgdHarness(0.4);
        var rates = sgd.Run(new WarmupStableDecayLR(sgd.Optimizer, 0, 0, stable_steps: 3, min_lr_ratio: 0.5), 5);
        Assert.Equal(new[] { 0.4, 0.4, 0.4, 0.2, 0.2, 0.2 }, rates.Select(r => r[0]));
        // No stable phase: the decay starts right after the warmup.
        using var direct = new SgdHarness(1.0);
        var scheduler = new WarmupStableDecayLR(direct.Optimizer, 2, 2, total_steps: 4, decay_type: DecayShape.Linear);
        Assert.Equal(new[] { 0.0, 0.5, 1.0, 0.5, 0.0, 0.0 }, direct.Run(scheduler, 5).Select(r => r[0]));
    }

    [Fact]
    public void LastEpochResumesAndStepWithEpochJumps()
    {
        using var sgd = new SgdHarness(0.1);
        var scheduler = new WarmupStableDecayLR(sgd.Optimizer, 10, 40, stable_steps: 50, last_epoch: 79);
        ScheduleAssert.Close(0.05, sgd.LearningRates[0], 80);
        scheduler.step(5);
        ScheduleAssert.Close(0.05, sgd.LearningRates[0], 5);
        scheduler.step();
        ScheduleAssert.Close(0.06, sgd.LearningRates[0], 6);
        Assert.Equal(0.0, scheduler.Factor(1000));
    }

    [Fact]
    public void RejectsOutOfRangeArgumentsAndLeavesTheOptimizerUntouched()
    {
        using var sgd = new SgdHarness(0.1);
        var o = sgd.Optimizer;
        ScheduleAssert.OutOfRange(
            () => new WarmupStableDecayLR(o, -1, 40, 100), "warmup_steps", "-1", "[0, 2147483647]");
        ScheduleAssert.OutOfRange(
            () => new WarmupStableDecayLR(o, 10, -1, 100), "decay_steps", "-1", "[0, 2147483647]");
        ScheduleAssert.OutOfRange(
            () => new WarmupStableDecayLR(o, 10, 40, stable_steps: -5), "stable_steps", "-5", "[0, 2147483647]");
        ScheduleAssert.OutOfRange(
            () => new WarmupStableDecayLR(o, 10, 40, total_steps: 49),
            "total_steps", "49", "[warmup_steps + decay_steps, 2147483647] = [50, 2147483647]");
        ScheduleAssert.OutOfRange(
            () => new WarmupStableDecayLR(o, 10, 40, total_steps: 99, stable_steps: 50),
            "total_steps", "99",
            "warmup_steps + stable_steps + decay_steps = 100 (or leave total_steps or stable_steps null)");
        ScheduleAssert.OutOfRange(
            () => new WarmupStableDecayLR(o, 10, 40, 100, warmup_type: (WarmupShape)3),
            "warmup_type", "3", "{Linear, Cosine, OneMinusSqrt}");
        ScheduleAssert.OutOfRange(
            () => new WarmupStableDecayLR(o, 10, 40, 100, decay_type: (DecayShape)(-1)),
            "decay_type", "-1", "{Linear, Cosine, OneMinusSqrt}");
        ScheduleAssert.OutOfRange(
            () => new WarmupStableDecayLR(o, 10, 40, 100, min_lr_ratio: 1.01), "min_lr_ratio", "1.01", "[0, 1]");
        ScheduleAssert.OutOfRange(
            () => new WarmupStableDecayLR(o, 10, 40, 100, min_lr_ratio: double.NegativeInfinity),
            "min_lr_ratio", "-∞", "[0, 1]");
        ScheduleAssert.OutOfRange(
            () => new WarmupStableDecayLR(o, 10, 40, 100, last_epoch: -7), "last_epoch", "-7", "[-1, 2147483646]");
        var neither = Assert.Throws<ArgumentException>(() => new WarmupStableDecayLR(o, 10, 40));
        Assert.Equal("total_steps", neither.ParamName);
        Assert.StartsWith("total_steps and stable_steps are both null", neither.Message);
        Assert.Equal(0.1, sgd.LearningRates[0]);
        Assert.Throws<ArgumentNullException>("optimizer", () => new WarmupStableDecayLR(null!, 10, 40, 100));

        var scheduler = new WarmupStableDecayLR(o, 10, 40, 100);
        ScheduleAssert.OutOfRange(() => scheduler.step(-2), "epoch", "-2", "[0, 2147483647]");
        ScheduleAssert.OutOfRange(() => scheduler.Factor(-1), "step", "-1", "[0, 2147483647]");
    }
}
