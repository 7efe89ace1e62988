using System.Collections.Generic;
using System.Linq;
using System;
using Descent.Core;
using TorchSharp;

namespace Descent.Schedules;

/// <summary>
/// A schedule that multiplies each param group's initial learning rate by a factor f(s) of the step s, as the
/// LambdaLR-based schedules of HF transformers do. It keeps its own step counter, because TorchSharp's
/// <c>_last_epoch</c> is internal, so <c>last_epoch</c> resumes and <c>step(epoch)</c> jumps work.
/// </summary>
public abstract class MultiplicativeSchedule : torch.optim.lr_scheduler.LRScheduler
{
    private readonly double[] _initial_lrs;
    private int _epoch;

    /// <summary>Snapshots the initial learning rates; a derived constructor sets its fields, then calls <c>step()</c>.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="last_epoch">The index of the last step, -1 to start afresh.</param>
    /// <param name="verbose">Print each update (TorchSharp's option).</param>
    protected MultiplicativeSchedule(torch.optim.Optimizer optimizer, int last_epoch, bool verbose)
        : base(ScheduleArguments.NotNull(optimizer), last_epoch, verbose)
    {
        Hyperparameter.InRange(nameof(last_epoch), last_epoch, -1, ScheduleArguments.MaxLastEpoch);
        _initial_lrs = ScheduleArguments.InitialLearningRates(optimizer);
        _epoch = last_epoch;
    }

    /// <summary>
    /// The multiplicative factor f(s) applied to every base learning rate at step <paramref name="step"/>.
    /// </summary>
    /// <param name="step">The step s; allowed [0, 2147483647].</param>
    /// <returns>f(s) as defined in the class remarks.</returns>
    /// <exception cref="ArgumentException"><paramref name="step"/> is negative.</exception>
    public double Factor(int step)
    {
        Hyperparameter.InRange(nameof(step), step, 0, int.MaxValue);
        return FactorAt(step);
    }

    /// <summary>f(s) for a valid step s ≥ 0.</summary>
    /// <param name="step">The step s.</param>
    /// <returns>The factor.</returns>
    protected abstract double FactorAt(int step);

    /// <summary>
    /// Advances the schedule by one step, or jumps to step <paramref name="epoch"/> when it is given, and writes the
    /// new learning rate into every param group.
    /// </summary>
    /// <param name="epoch">Null to advance by one; otherwise the step to jump to, allowed [0, 2147483647].</param>
    /// <exception cref="ArgumentException"><paramref name="epoch"/> is negative.</exception>
    public override void step(int? epoch)
    {
        ScheduleArguments.Epoch(epoch);
        _epoch = epoch ?? _epoch + 1;
        base.step(epoch);
    }

    /// <summary>The learning rate of each param group at the current step: <c>base_lr[i] · f(s)</c>.</summary>
    /// <returns>One learning rate per param group present at construction.</returns>
    protected override IEnumerable<double> get_lr()
    {
        var factor = FactorAt(_epoch);
        return _initial_lrs.Select(lr => lr * factor).ToArray();
    }
}
