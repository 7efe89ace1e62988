using System;
using System.Linq;
using Descent.Schedules;
using TorchSharp;
using Xunit;

namespace Descent.Tests.Schedules;

/// <summary>
/// <see cref="CosineAnnealingWarmRestarts"/> against PyTorch's
/// <c>torch.optim.lr_scheduler.CosineAnnealingWarmRestarts</c>.
/// </summary>
/// <remarks>
/// The reference numbers were produced once with PyTorch 1.13.0a0 (/usr/bin/python3) by a script that builds
/// <c>torch.optim.SGD</c> with param groups of lr 0.1 and 0.05, wraps it in the scheduler, records
/// <c>param_groups[i]["lr"]</c> and calls <c>opt.step(); sched.step()</c> in a loop (or <c>sched.step(epoch)</c> for
/// the jumps), printing every value with <c>repr</c>.
/// </remarks>
public class CosineAnnealingWarmRestartsTests
{
    // PyTorch: CosineAnnealingWarmRestarts(SGD([lr 0.1, lr 0.05]), T_0=3, T_mult=2, eta_min=0.001), s = 0..24.
    private static readonly double[][] s_torchDoubling = {
        new[] { 0.1, 0.05 },
        new[] { 0.07525000000000001, 0.037750000000000006 },
        new[] { 0.025750000000000012, 0.013250000000000005 },
        new[] { 0.1, 0.05 },
        new[] { 0.09336825748732973, 0.046717622392718754 },
        new[] { 0.07525000000000001, 0.037750000000000006 },
        new[] { 0.0505, 0.025500000000000002 },
        new[] { 0.025750000000000012, 0.013250000000000005 },
        new[] { 0.007631742512670284, 0.004282377607281252 },
        new[] { 0.1, 0.05 },
        new[] { 0.09831332840130888, 0.04916518274408217 },
        new[] { 0.09336825748732973, 0.046717622392718754 },
        new[] { 0.0855017856687341, 0.04282411613907042 },
        new[] { 0.07525000000000001, 0.037750000000000006 },
        new[] { 0.06331154273257478, 0.03184106660501176 },
        new[] { 0.0505, 0.025500000000000002 },
        new[] { 0.03768845726742523, 0.019158933394988246 },
        new[] { 0.025750000000000012, 0.013250000000000005 },
        new[] { 0.0154982143312659, 0.008175883860929586 },
        new[] { 0.007631742512670284, 0.004282377607281252 },
        new[] { 0.0026866715986911243, 0.0018348172559178291 },
        new[] { 0.1, 0.05 },
        new[] { 0.09957652063800362, 0.04979039910365836 },
        new[] { 0.09831332840130888, 0.04916518274408217 },
        new[] { 0.0962320368593087, 0.048135048546526525 },
    };

    // PyTorch: CosineAnnealingWarmRestarts(SGD(lr 0.1), T_0=5) (T_mult 1, eta_min 0), s = 0..11.
    private static readonly double[] s_torchConstantCycle = {
        0.1, 0.09045084971874738, 0.06545084971874737, 0.03454915028125263, 0.009549150281252633,
        0.1, 0.09045084971874738, 0.06545084971874737, 0.03454915028125263, 0.009549150281252633,
        0.1, 0.09045084971874738,
    };

    // PyTorch: the T_0=3, T_mult=2, eta_min=0.001 scheduler, sched.step(epoch) for each epoch, group 0 (lr 0.1).
    private static readonly (int Epoch, double Rate)[] s_torchJumps = {
        (0, 0.1), (2, 0.025750000000000012), (3, 0.1), (8, 0.007631742512670284), (9, 0.1),
        (20, 0.0026866715986911243), (21, 0.1), (44, 0.001423479361996386), (45, 0.1), (100, 0.09870691047422803),
    };

    // PyTorch: SequentialLR(SGD([lr 0.1, lr 0.05]), [LinearLR(start_factor=0.25, total_iters=4),
    // CosineAnnealingWarmRestarts(T_0=3, T_mult=2, eta_min=0.001)], milestones=[4]), group 0, s = 0..14.
    private static readonly double[] s_torchAfterLinearWarmup = {
        0.025, 0.043750000000000004, 0.06250000000000001, 0.08125000000000002, 0.1,
        0.07525000000000001, 0.025750000000000012, 0.1, 0.09336825748732973, 0.07525000000000001,
        0.0505, 0.025750000000000012, 0.007631742512670284, 0.1, 0.09831332840130888,
    };

    /// <summary>PyTorch's incremental <c>step()</c> recurrence, simulated apart from the class under test.</summary>
    private static double[][] Recurrence(double[] baseRates, int t0, int tMult, double etaMin, int steps)
    {
        var rates = new double[steps + 1][];
        long current = 0, length = t0;
        for (var s = 0; s <= steps; s++) {
            if (s > 0) {
                current += 1;
                if (current >= length) {
                    current -= length;
                    length *= tMult;
                }
            }
            var c = current;
            var l = length;
            rates[s] = baseRates.Select(lr => etaMin + (lr - etaMin) * (1 + Math.Cos(Math.PI * c / l)) / 2).ToArray();
        }
        return rates;
    }

    [Fact]
    public void TwoGroupsWithDoublingCyclesMatchPyTorch()
    {
        using var sgd = new SgdHarness(0.1, 0.05);
        var rates = sgd.Run(new CosineAnnealingWarmRestarts(sgd.Optimizer, T_0: 3, T_mult: 2, eta_min: 0.001), 24);
        ScheduleAssert.Sequence(rates, (s, g) => s_torchDoubling[s][g]);
    }

    [Fact]
    public void ConstantCyclesMatchPyTorch()
    {
        using var sgd = new SgdHarness(0.1);
        var rates = sgd.Run(new CosineAnnealingWarmRestarts(sgd.Optimizer, T_0: 5), 11);
        ScheduleAssert.Sequence(rates, (s, _) => s_torchConstantCycle[s]);
    }

    [Fact]
    public void StepWithEpochMatchesPyTorchsClosedForm()
    {
        using var sgd = new SgdHarness(0.1, 0.05);
        var scheduler = new CosineAnnealingWarmRestarts(sgd.Optimizer, 3, 2, 0.001);
        foreach (var (epoch, rate) in s_torchJumps) {
            scheduler.step(epoch);
            ScheduleAssert.Close(rate, sgd.LearningRates[0], epoch);
        }
        // And stepping on from a jump continues the cycle: 100 is in the cycle [93, 189), 101 too.
        scheduler.step();
        ScheduleAssert.Close(Recurrence(new[] { 0.1 }, 3, 2, 0.001, 101)[101][0], sgd.LearningRates[0], 101);
    }

    [Fact]
    public void ManyStepsFollowTorchsRecurrence()
    {
        double[] baseRates = { 0.3, 0.02 };
        using var sgd = new SgdHarness(baseRates);
        var rates = sgd.Run(new CosineAnnealingWarmRestarts(sgd.Optimizer, T_0: 2, T_mult: 3, eta_min: 0.01), 500);
        var expected = Recurrence(baseRates, 2, 3, 0.01, 500);
        ScheduleAssert.Sequence(rates, (s, g) => expected[s][g]);
        // Restarts at 2, 2 + 6 = 8, 8 + 18 = 26, 26 + 54 = 80, 80 + 162 = 242 return to the base rate.
        foreach (var restart in new[] { 0, 2, 8, 26, 80, 242 }) {
            ScheduleAssert.Close(baseRates[0], rates[restart][0], restart);
            ScheduleAssert.Close(baseRates[1], rates[restart][1], restart, 1);
        }
        Assert.True(rates[241][0] < 0.0101, $"s = 241, the end of a cycle: {rates[241][0]:R}");
    }

    [Fact]
    public void JumpsLandOnRestartsExactlyWherePyTorchsLogarithmMissesThem()
    {
        // T_0 = 1, T_mult = 10: cycles start at 0, 1, 11, 111, 1111. PyTorch 1.13 measured lr 0.1 after 111 step()
        // calls but 0.0 after step(111): its closed form takes int(log(1000, 10)) = int(2.9999999999999996) = 2.
        using var sgd = new SgdHarness(0.1);
        var scheduler = new CosineAnnealingWarmRestarts(sgd.Optimizer, T_0: 1, T_mult: 10);
        var stepped = sgd.Run(scheduler, 111);
        Assert.Equal(0.1, stepped[111][0]);
        scheduler.step(111);
        Assert.Equal(0.1, sgd.LearningRates[0]);
        Assert.Equal((0L, 1000L), scheduler.Cycle(111));
        Assert.Equal((999L, 1000L), scheduler.Cycle(110 + 1000));
        Assert.Equal((0L, 10000L), scheduler.Cycle(1111));
    }

    [Fact]
    public void LastEpochResumesAtTheRightPointOfALaterCycle()
    {
        // Resuming after step 10 gives step 11 of the doubling schedule (PyTorch's resume path would wrap T_cur
        // only once and land elsewhere; see the class remarks).
        using var sgd = new SgdHarness(0.1, 0.05);
        var scheduler = new CosineAnnealingWarmRestarts(sgd.Optimizer, 3, 2, 0.001, last_epoch: 10);
        var rates = sgd.Run(scheduler, 13);
        for (var s = 0; s <= 13; s++) {
            ScheduleAssert.Close(s_torchDoubling[s + 11][0], rates[s][0], s + 11);
            ScheduleAssert.Close(s_torchDoubling[s + 11][1], rates[s][1], s + 11, 1);
        }
    }

    [Fact]
    public void AfterALinearWarmupInsideTorchSharpsSequentialLRMatchesPyTorch()
    {
        using var sgd = new SgdHarness(0.1, 0.05);
        var warmup = torch.optim.lr_scheduler.LinearLR(sgd.Optimizer, start_factor: 0.25, total_iters: 4);
        var restarts = new CosineAnnealingWarmRestarts(sgd.Optimizer, T_0: 3, T_mult: 2, eta_min: 0.001);
        var sequence = torch.optim.lr_scheduler.SequentialLR(sgd.Optimizer, new[] { warmup, restarts }, new[] { 4 });
        var rates = sgd.Run(sequence, 14);
        // Group 1 (lr 0.05): LinearLR's 0.05 · (0.25 + 0.75 · s / 4), then the restarts from their step 0, as in
        // the stand-alone PyTorch run (η_min is absolute, so this is not half of group 0).
        ScheduleAssert.Sequence(rates, (s, g) => g == 0
            ? s_torchAfterLinearWarmup[s]
            : s < 4 ? 0.05 * (0.25 + 0.75 * s / 4) : s_torchDoubling[s - 4][1]);
    }

    [Fact]
    public void RejectsOutOfRangeArgumentsAndLeavesTheOptimizerUntouched()
    {
        using var sgd = new SgdHarness(0.1);
        var o = sgd.Optimizer;
        ScheduleAssert.OutOfRange(() => new CosineAnnealingWarmRestarts(o, 0), "T_0", "0", "[1, 2147483647]");
        ScheduleAssert.OutOfRange(
            () => new CosineAnnealingWarmRestarts(o, 5, T_mult: 0), "T_mult", "0", "[1, 2147483647]");
        ScheduleAssert.OutOfRange(
            () => new CosineAnnealingWarmRestarts(o, 5, eta_min: -1e-3), "eta_min", "-0.001", "[0, ∞)");
        ScheduleAssert.OutOfRange(
            () => new CosineAnnealingWarmRestarts(o, 5, eta_min: double.PositiveInfinity),
            "eta_min", "∞", "[0, ∞)");
        ScheduleAssert.OutOfRange(
            () => new CosineAnnealingWarmRestarts(o, 5, eta_min: double.NaN), "eta_min", "NaN", "[0, ∞)");
        ScheduleAssert.OutOfRange(
            () => new CosineAnnealingWarmRestarts(o, 5, last_epoch: -2), "last_epoch", "-2", "[-1, 2147483646]");
        Assert.Equal(0.1, sgd.LearningRates[0]);
        Assert.Throws<ArgumentNullException>("optimizer", () => new CosineAnnealingWarmRestarts(null!, 5));

        var scheduler = new CosineAnnealingWarmRestarts(o, 5);
        ScheduleAssert.OutOfRange(() => scheduler.step(-1), "epoch", "-1", "[0, 2147483647]");
        ScheduleAssert.OutOfRange(() => scheduler.Cycle(-1), "step", "-1", "[0, 2147483647]");
    }
}
