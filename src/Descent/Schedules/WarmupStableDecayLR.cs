using System.Globalization;
using System;
using Descent.Core;
using TorchSharp;

namespace Descent.Schedules;

/// <summary>
/// Warmup-stable-decay (WSD, "trapezoidal"): warm up over W steps, hold the base learning rate for S steps, decay
/// over D steps to a floor, then stay at the floor.
/// </summary>
/// <remarks>
/// <para>
/// The learning rate of group i at step s is <c>base_lr[i] · f(s)</c>, with r = <c>min_lr_ratio</c> and the shapes
/// g of <see cref="WarmupShape"/> and <see cref="DecayShape"/>:
/// <code>
/// f(s) = r + (1 − r) · g_warmup(s / max(1, W))            for s &lt; W
/// f(s) = 1                                                for W ≤ s &lt; W + S
/// f(s) = r + (1 − r) · g_decay((s − W − S) / max(1, D))   for W + S ≤ s &lt; W + S + D
/// f(s) = r                                                for s ≥ W + S + D
/// </code>
/// Note that the warmup starts at r, not at 0 (f(0) = r when W &gt; 0).
/// </para>
/// <para>
/// Sources: Hu et al. 2024, "MiniCPM: Unveiling the Potential of Small Language Models with Scalable Training
/// Strategies" (the WSD schedule); formula and shapes as in Hugging Face transformers <c>get_wsd_schedule</c>
/// (<c>num_cycles = 0.5</c>), a torch <c>LambdaLR</c> that this class steps exactly like.
/// Difference: HF warns and uses <c>num_stable_steps</c> when both it and <c>num_training_steps</c> are given; here
/// they must agree (T = W + S + D) or the constructor throws.
/// </para>
/// <para>
/// Step counting follows torch: s is the scheduler's <c>last_epoch</c>. The constructor performs the first step
/// (s = 0, or <c>last_epoch + 1</c> when resuming), and every later <see cref="MultiplicativeSchedule.step(int?)"/> adds one; call
/// <c>optimizer.step()</c> before <c>scheduler.step()</c>. <c>step(epoch)</c> jumps to s = epoch.
/// The base learning rates are the param groups' <c>InitialLearningRate</c> values, snapshotted at construction.
/// Inside TorchSharp's <c>SequentialLR</c> this scheduler works in any position but the first: SequentialLR rewinds
/// its first scheduler through TorchSharp-internal state this class cannot see, so there it runs one step ahead.
/// </para>
/// </remarks>
public sealed class WarmupStableDecayLR : MultiplicativeSchedule
{
    private readonly int _warmup_steps;
    private readonly long _decay_start;
    private readonly int _decay_steps;
    private readonly WarmupShape _warmup_type;
    private readonly DecayShape _decay_type;
    private readonly double _min_lr_ratio;

    /// <summary>Creates the schedule and sets every group's learning rate to its step-0 (or resumed) value.</summary>
    /// <param name="optimizer">Wrapped optimizer; one base learning rate per param group.</param>
    /// <param name="warmup_steps">W, the number of warmup steps; allowed [0, 2147483647].</param>
    /// <param name="decay_steps">D, the number of decay steps; allowed [0, 2147483647].</param>
    /// <param name="total_steps">
    /// T = W + S + D, the step from which the floor holds. When <paramref name="stable_steps"/> is null,
    /// S = T − W − D, so T is allowed [warmup_steps + decay_steps, 2147483647]; when both are given they must agree.
    /// At least one of the two must be given.
    /// </param>
    /// <param name="stable_steps">S, the number of steps at the base learning rate; allowed [0, 2147483647].</param>
    /// <param name="warmup_type">Shape of the warmup. Default <see cref="WarmupShape.Linear"/>.</param>
    /// <param name="decay_type">Shape of the decay. Default <see cref="DecayShape.Cosine"/>.</param>
    /// <param name="min_lr_ratio">
    /// r, the start of the warmup and the end of the decay as a fraction of each base learning rate; allowed [0, 1].
    /// Default 0.
    /// </param>
    /// <param name="last_epoch">
    /// The index of the last step already taken, to resume a schedule (the constructor then sets step
    /// <c>last_epoch + 1</c>); -1 starts from the beginning. Allowed [-1, 2147483646]. Default -1.
    /// </param>
    /// <param name="verbose">If true, TorchSharp prints a message to stdout for each change. Default false.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// An argument is outside its allowed range, neither <paramref name="total_steps"/> nor
    /// <paramref name="stable_steps"/> is given, or both are given and W + S + D ≠ T.
    /// </exception>
    public WarmupStableDecayLR(
        torch.optim.Optimizer optimizer,
        int warmup_steps,
        int decay_steps,
        int? total_steps = null,
        int? stable_steps = null,
        WarmupShape warmup_type = WarmupShape.Linear,
        DecayShape decay_type = DecayShape.Cosine,
        double min_lr_ratio = 0.0,
        int last_epoch = -1,
        bool verbose = false)
        : base(optimizer, last_epoch, verbose)
    {
        Hyperparameter.InRange(nameof(warmup_steps), warmup_steps, 0, int.MaxValue);
        Hyperparameter.InRange(nameof(decay_steps), decay_steps, 0, int.MaxValue);
        var stable = StableSteps(warmup_steps, decay_steps, total_steps, stable_steps);
        Hyperparameter.Defined(nameof(warmup_type), warmup_type);
        Hyperparameter.Defined(nameof(decay_type), decay_type);
        Hyperparameter.ClosedUnitInterval(nameof(min_lr_ratio), min_lr_ratio);

        _warmup_steps = warmup_steps;
        _decay_start = (long)warmup_steps + stable;
        _decay_steps = decay_steps;
        _warmup_type = warmup_type;
        _decay_type = decay_type;
        _min_lr_ratio = min_lr_ratio;

        step();
    }

    /// <inheritdoc />
    protected override double FactorAt(int step)
    {
        if (step < _warmup_steps) {
            var progress = (double)step / Math.Max(1, _warmup_steps);
            var shape = _warmup_type switch {
                WarmupShape.Linear => progress,
                WarmupShape.Cosine => 0.5 * (1.0 - Math.Cos(Math.PI * progress)),
                _ => 1.0 - Math.Sqrt(1.0 - progress),
            };
            return Floored(shape);
        }
        if (step < _decay_start) {
            return 1.0;
        }
        if (step < _decay_start + _decay_steps) {
            var progress = (double)(step - _decay_start) / Math.Max(1, _decay_steps);
            var shape = _decay_type switch {
                DecayShape.Linear => 1.0 - progress,
                DecayShape.Cosine => 0.5 * (1.0 + Math.Cos(Math.PI * progress)),
                _ => 1.0 - Math.Sqrt(progress),
            };
            return Floored(shape);
        }
        return _min_lr_ratio;
    }


    /// <summary>Maps a shape value g ∈ [0, 1] to r + (1 − r)·g, written as HF writes it: g·(1 − r) + r.</summary>
    private double Floored(double shape) => Math.Max(0.0, shape * (1.0 - _min_lr_ratio) + _min_lr_ratio);

    /// <summary>Resolves S from the (T, S) pair the caller gave, validating it.</summary>
    private static long StableSteps(int warmup_steps, int decay_steps, int? total_steps, int? stable_steps)
    {
        var ends = (long)warmup_steps + decay_steps;
        if (stable_steps is int stable) {
            Hyperparameter.InRange(nameof(stable_steps), stable, 0, int.MaxValue);
            if (total_steps is int total && total != ends + stable) {
                var sum = (ends + stable).ToString(CultureInfo.InvariantCulture);
                throw Hyperparameter.OutOfRange(
                    nameof(total_steps),
                    total.ToString(CultureInfo.InvariantCulture),
                    $"warmup_steps + stable_steps + decay_steps = {sum} (or leave total_steps or stable_steps null)");
            }
            return stable;
        }
        if (total_steps is int only) {
            Hyperparameter.InRange(
                nameof(total_steps), only, ends, int.MaxValue, "[warmup_steps + decay_steps, 2147483647]");
            return only - ends;
        }
        throw new ArgumentException(
            "total_steps and stable_steps are both null; allowed: give total_steps, stable_steps or both",
            nameof(total_steps));
    }
}
