using System;
using System.Linq;
using Descent.Schedules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch.optim.lr_scheduler;

namespace Descent.Tests.Schedules;

/// <summary>
/// The schedules inside TorchSharp's <c>SequentialLR</c>, compared with a <c>LambdaLR</c> of the same factor in the
/// same position (which has torch's semantics there).
/// </summary>
public class SequentialLRCompositionTests
{
    private static double InverseSqrt(int s) => s < 4 ? s / 4.0 : 1.0 / Math.Sqrt((s + 4 - 4) / 4.0);

    private static double[][] Sequence(bool ours, bool first, int steps)
    {
        using var sgd = new SgdHarness(0.1, 0.02);
        LRScheduler schedule = ours
            ? new InverseSqrtLR(sgd.Optimizer, warmup_steps: 4)
            : LambdaLR(sgd.Optimizer, InverseSqrt);
        var other = ConstantLR(sgd.Optimizer, factor: 0.5, total_iters: 3);
        var sequence = first
            ? SequentialLR(sgd.Optimizer, new[] { schedule, other }, new[] { 6 })
            : SequentialLR(sgd.Optimizer, new[] { other, schedule }, new[] { 6 });
        return sgd.Run(sequence, steps);
    }

    [Fact]
    public void InAnyPositionButTheFirstTheyStepLikeLambdaLR()
    {
        var reference = Sequence(ours: false, first: false, 20);
        Assert.Equal(reference, Sequence(ours: true, first: false, 20));
        // After the milestone the schedule restarts from its step 0 (factor 0), as torch does.
        Assert.Equal(0.0, reference[6][0]);
        Assert.Equal(0.1 * InverseSqrt(14), reference[20][0], 15);
    }

    [Fact]
    public void AsTheFirstScheduleTheyRunOneStepAheadKnownLimitation()
    {
        // SequentialLR rewinds its schedulers by decrementing TorchSharp's internal _last_epoch, which a scheduler
        // outside the TorchSharp assembly cannot see; LambdaLR (like torch) then starts at f(0), this class at f(1).
        var reference = Sequence(ours: false, first: true, 10);
        var ours = Sequence(ours: true, first: true, 10);
        for (var s = 0; s < 6; s++) {
            Assert.Equal(0.1 * InverseSqrt(s), reference[s][0], 15);
            Assert.Equal(0.1 * InverseSqrt(s + 1), ours[s][0], 15);
        }
        Assert.Equal(reference.Skip(6), ours.Skip(6));
    }
}
