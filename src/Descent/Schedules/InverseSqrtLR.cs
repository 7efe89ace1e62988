using System;
using Descent.Core;
using TorchSharp;

namespace Descent.Schedules;

/// <summary>
/// Linear warmup from 0 to each group's base learning rate, then decay proportional to the inverse square root of
/// the step.
/// </summary>
/// <remarks>
/// <para>
/// The learning rate of group i at step s is <c>base_lr[i] · f(s)</c>, with W = <c>warmup_steps</c> and
/// τ = <c>timescale</c>:
/// <code>
/// f(s) = s / max(1, W)                for s &lt; W
/// f(s) = 1 / √((s + τ − W) / τ)       for s ≥ W
/// </code>
/// f is continuous at s = W (f = 1) and, with the default τ = W, equals √(W / s) after the warmup.
/// </para>
/// <para>
/// Sources: Vaswani et al. 2017, "Attention Is All You Need" (learning rate ∝ min(s^−½, s·W^−1.5), the
/// inverse-square-root schedule); formula, the timescale and its defaults (τ = W, or 10000 when W = 0) as in
/// Hugging Face transformers <c>get_inverse_sqrt_schedule</c>, a torch <c>LambdaLR</c> that this class steps exactly
/// like.
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
public sealed class InverseSqrtLR : MultiplicativeSchedule
{
    /// <summary>The timescale used when neither a timescale nor any warmup is given, as in HF transformers.</summary>
    public const int DefaultTimescaleWithoutWarmup = 10_000;

    private readonly int _warmup_steps;
    private readonly int _timescale;

    /// <summary>Creates the schedule and sets every group's learning rate to its step-0 (or resumed) value.</summary>
    /// <param name="optimizer">Wrapped optimizer; one base learning rate per param group.</param>
    /// <param name="warmup_steps">W, the number of linear-warmup steps; allowed [0, 2147483647].</param>
    /// <param name="timescale">
    /// τ, the decay's timescale; allowed [1, 2147483647]. Null (the default) means W, or
    /// <see cref="DefaultTimescaleWithoutWarmup"/> when W = 0.
    /// </param>
    /// <param name="last_epoch">
    /// The index of the last step already taken, to resume a schedule (the constructor then sets step
    /// <c>last_epoch + 1</c>); -1 starts from the beginning. Allowed [-1, 2147483646]. Default -1.
    /// </param>
    /// <param name="verbose">If true, TorchSharp prints a message to stdout for each change. Default false.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentException">An argument is outside its allowed range.</exception>
    public InverseSqrtLR(
        torch.optim.Optimizer optimizer,
        int warmup_steps,
        int? timescale = null,
        int last_epoch = -1,
        bool verbose = false)
        : base(optimizer, last_epoch, verbose)
    {
        Hyperparameter.InRange(nameof(warmup_steps), warmup_steps, 0, int.MaxValue);
        if (timescale is int given) {
            Hyperparameter.InRange(nameof(timescale), given, 1, int.MaxValue);
        }

        _warmup_steps = warmup_steps;
        _timescale = timescale ?? (warmup_steps > 0 ? warmup_steps : DefaultTimescaleWithoutWarmup);

        step();
    }

    /// <summary>The timescale τ in use (the given one, or its default).</summary>
    public int Timescale => _timescale;

    /// <inheritdoc />
    protected override double FactorAt(int step)
    {
        if (step < _warmup_steps) {
            return (double)step / Math.Max(1, _warmup_steps);
        }
        var shifted = (long)step + _timescale - _warmup_steps;
        return 1.0 / Math.Sqrt((double)shifted / _timescale);
    }
}
