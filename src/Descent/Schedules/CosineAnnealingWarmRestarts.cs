using System.Collections.Generic;
using System.Linq;
using System;
using Descent.Core;
using TorchSharp;

namespace Descent.Schedules;

/// <summary>
/// Cosine annealing with warm restarts (SGDR): each cycle anneals from the base learning rate to
/// <c>eta_min</c> along a half cosine, then restarts; every cycle is <c>T_mult</c> times longer than the previous.
/// </summary>
/// <remarks>
/// <para>
/// The learning rate of group i at step s is
/// <code>
/// lr_i(s) = η_min + (base_lr[i] − η_min) · (1 + cos(π · T_cur / T_i)) / 2
/// </code>
/// where cycle k (k = 0, 1, …) has length T_i = T_0 · T_mult^k and starts at step T_0 · (T_mult^k − 1) / (T_mult − 1)
/// (k · T_0 when T_mult = 1), and T_cur = s − (start of the cycle containing s). So the rate equals the base rate at
/// every restart and approaches, but never reaches, η_min at the end of a cycle. Unlike the other schedules in this
/// namespace, η_min is an absolute learning rate shared by all groups, as in torch.
/// </para>
/// <para>
/// Sources: Loshchilov &amp; Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm Restarts", eq. (5);
/// semantics, argument names and defaults of PyTorch's <c>torch.optim.lr_scheduler.CosineAnnealingWarmRestarts</c>,
/// which TorchSharp 0.107 lacks. Values are those of torch's incremental <c>step()</c> (checked against PyTorch
/// 1.13). The cycle is found from s in exact integer arithmetic, both for <c>step()</c> and <c>step(epoch)</c>;
/// PyTorch's own closed form for <c>step(epoch)</c> finds the cycle with a floating-point logarithm and can land one
/// cycle early at a restart (e.g. T_0 = 1, T_mult = 10, epoch 111 gives η_min instead of the base rate), and its
/// resume path (<c>last_epoch</c> ≥ T_0) wraps T_cur only once. Neither quirk is reproduced: every path gives the
/// value its incremental <c>step()</c> would reach.
/// </para>
/// <para>
/// Step counting follows torch: s is the scheduler's <c>last_epoch</c>. The constructor performs the first step
/// (s = 0, or <c>last_epoch + 1</c> when resuming), and every later <see cref="step(int?)"/> adds one.
/// <c>step(epoch)</c> jumps to s = epoch (whole steps only; PyTorch also accepts fractional epochs).
/// The base learning rates are the param groups' <c>InitialLearningRate</c> values, snapshotted at construction.
/// Inside TorchSharp's <c>SequentialLR</c> this scheduler works in any position but the first: SequentialLR rewinds
/// its first scheduler through TorchSharp-internal state this class cannot see, so there it runs one step ahead.
/// </para>
/// </remarks>
public sealed class CosineAnnealingWarmRestarts : torch.optim.lr_scheduler.LRScheduler
{
    private readonly double[] _initial_lrs;
    private readonly int _T_0;
    private readonly int _T_mult;
    private readonly double _eta_min;
    private int _epoch;

    /// <summary>Creates the schedule and sets every group's learning rate to its step-0 (or resumed) value.</summary>
    /// <param name="optimizer">Wrapped optimizer; one base learning rate per param group.</param>
    /// <param name="T_0">Length of the first cycle in steps; allowed [1, 2147483647].</param>
    /// <param name="T_mult">
    /// Factor by which each cycle is longer than the previous; allowed [1, 2147483647]. Default 1.
    /// </param>
    /// <param name="eta_min">
    /// η_min, the learning rate approached at the end of every cycle; allowed [0, ∞), finite. Default 0.
    /// </param>
    /// <param name="last_epoch">
    /// The index of the last step already taken, to resume a schedule (the constructor then sets step
    /// <c>last_epoch + 1</c>); -1 starts from the beginning. Allowed [-1, 2147483646]. Default -1.
    /// </param>
    /// <param name="verbose">If true, TorchSharp prints a message to stdout for each change. Default false.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentException">An argument is outside its allowed range.</exception>
    public CosineAnnealingWarmRestarts(
        torch.optim.Optimizer optimizer,
        int T_0,
        int T_mult = 1,
        double eta_min = 0.0,
        int last_epoch = -1,
        bool verbose = false)
        : base(ScheduleArguments.NotNull(optimizer), last_epoch, verbose)
    {
        Hyperparameter.InRange(nameof(T_0), T_0, 1, int.MaxValue);
        Hyperparameter.InRange(nameof(T_mult), T_mult, 1, int.MaxValue);
        Hyperparameter.NonNegative(nameof(eta_min), eta_min);
        Hyperparameter.InRange(nameof(last_epoch), last_epoch, -1, ScheduleArguments.MaxLastEpoch);

        _initial_lrs = ScheduleArguments.InitialLearningRates(optimizer);
        _T_0 = T_0;
        _T_mult = T_mult;
        _eta_min = eta_min;
        _epoch = last_epoch;

        step();
    }

    /// <summary>The position of step <paramref name="step"/> in its cycle: T_cur and the cycle length T_i.</summary>
    /// <param name="step">The step s; allowed [0, 2147483647].</param>
    /// <returns>(T_cur, T_i) with 0 ≤ T_cur &lt; T_i.</returns>
    /// <exception cref="ArgumentException"><paramref name="step"/> is negative.</exception>
    public (long T_cur, long T_i) Cycle(int step)
    {
        Hyperparameter.InRange(nameof(step), step, 0, int.MaxValue);
        if (_T_mult == 1) {
            return (step % _T_0, _T_0);
        }
        // Cycle lengths grow geometrically, so this runs at most ~31 times; every quantity stays below 2^62.
        long start = 0;
        long length = _T_0;
        while (step - start >= length) {
            start += length;
            length *= _T_mult;
        }
        return (step - start, length);
    }

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

    /// <summary>
    /// The learning rate of each param group at the current step:
    /// <c>η_min + (base_lr[i] − η_min) · (1 + cos(π · T_cur / T_i)) / 2</c>.
    /// </summary>
    /// <returns>One learning rate per param group present at construction.</returns>
    protected override IEnumerable<double> get_lr()
    {
        var (current, length) = Cycle(_epoch);
        var cosine = 1.0 + Math.Cos(Math.PI * current / length);
        return _initial_lrs.Select(lr => _eta_min + (lr - _eta_min) * cosine / 2).ToArray();
    }
}
