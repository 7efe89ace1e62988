using System;
using Descent.Core;
using TorchSharp;

namespace Descent.Schedules;

/// <summary>
/// Linear warmup from 0 to each group's base learning rate, then a half-cosine decay to a floor.
/// </summary>
/// <remarks>
/// <para>
/// The learning rate of group i at step s is <c>base_lr[i] · f(s)</c>, with W = <c>warmup_steps</c>,
/// T = <c>total_steps</c>, r = <c>min_lr_ratio</c>:
/// <code>
/// f(s) = s / max(1, W)                                   for s &lt; W
/// f(s) = r + (1 − r) · ½ · (1 + cos(π · p)),
///        p = min(1, (s − W) / max(1, T − W))             for s ≥ W
/// </code>
/// so f climbs 0 → 1 over the warmup, equals 1 at s = W, and reaches the floor r at s = T.
/// </para>
/// <para>
/// Source: Hugging Face transformers <c>get_cosine_schedule_with_warmup</c> with <c>num_cycles = 0.5</c>, and for
/// r &gt; 0 <c>get_cosine_with_min_lr_schedule_with_warmup</c> (<c>min_lr_rate</c>); both are torch
/// <c>LambdaLR</c>s and this class steps exactly like them for s ≤ T.
/// Deliberate difference: past <c>total_steps</c> the HF lambdas keep following the cosine, so the learning rate
/// climbs back towards the base rate (reaching it at s = 2T − W); here p is clamped to 1 and the rate stays at the
/// floor.
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
public sealed class WarmupCosineLR : MultiplicativeSchedule
{
    private readonly int _warmup_steps;
    private readonly int _total_steps;
    private readonly double _min_lr_ratio;

    /// <summary>Creates the schedule and sets every group's learning rate to its step-0 (or resumed) value.</summary>
    /// <param name="optimizer">Wrapped optimizer; one base learning rate per param group.</param>
    /// <param name="warmup_steps">
    /// W, the number of linear-warmup steps; allowed [0, <paramref name="total_steps"/>].
    /// </param>
    /// <param name="total_steps">T, the step at which the floor is reached; allowed [1, 2147483647].</param>
    /// <param name="min_lr_ratio">
    /// r, the floor as a fraction of each base learning rate; allowed [0, 1]. Default 0.
    /// </param>
    /// <param name="last_epoch">
    /// The index of the last step already taken, to resume a schedule (the constructor then sets step
    /// <c>last_epoch + 1</c>); -1 starts from the beginning. Allowed [-1, 2147483646]. Default -1.
    /// </param>
    /// <param name="verbose">If true, TorchSharp prints a message to stdout for each change. Default false.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentException">An argument is outside its allowed range.</exception>
    public WarmupCosineLR(
        torch.optim.Optimizer optimizer,
        int warmup_steps,
        int total_steps,
        double min_lr_ratio = 0.0,
        int last_epoch = -1,
        bool verbose = false)
        : base(optimizer, last_epoch, verbose)
    {
        Hyperparameter.InRange(nameof(total_steps), total_steps, 1, int.MaxValue);
        Hyperparameter.InRange(nameof(warmup_steps), warmup_steps, 0, total_steps, "[0, total_steps]");
        Hyperparameter.ClosedUnitInterval(nameof(min_lr_ratio), min_lr_ratio);

        _warmup_steps = warmup_steps;
        _total_steps = total_steps;
        _min_lr_ratio = min_lr_ratio;

        step();
    }

    /// <inheritdoc />
    protected override double FactorAt(int step)
    {
        if (step < _warmup_steps) {
            return (double)step / Math.Max(1, _warmup_steps);
        }
        var progress = Math.Min(1.0, (double)((long)step - _warmup_steps) / Math.Max(1, _total_steps - _warmup_steps));
        var cosine = 0.5 * (1.0 + Math.Cos(Math.PI * progress));
        return cosine * (1.0 - _min_lr_ratio) + _min_lr_ratio;
    }
}
