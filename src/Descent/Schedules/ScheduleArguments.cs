using System.Linq;
using System;
using Descent.Core;
using TorchSharp;

namespace Descent.Schedules;

/// <summary>
/// Argument checks and small helpers shared by the schedulers in this namespace. Every range check throws an
/// <see cref="ArgumentException"/> whose message names the parameter, its value and the allowed range, e.g.
/// "warmup_steps = -1 is out of range; allowed: [0, total_steps] = [0, 110]".
/// </summary>
internal static class ScheduleArguments
{
    /// <summary>The largest value <c>last_epoch</c> may take: the constructor's own step adds one to it.</summary>
    internal const int MaxLastEpoch = int.MaxValue - 1;

    /// <summary>Throws <see cref="ArgumentNullException"/> for a null optimizer, else returns it.</summary>
    /// <remarks>
    /// Used in the base-constructor call: TorchSharp's <c>LRScheduler</c> constructor dereferences the optimizer
    /// before a derived constructor body could check it, so a null would otherwise surface as a
    /// <see cref="NullReferenceException"/>.
    /// </remarks>
    internal static torch.optim.Optimizer NotNull(torch.optim.Optimizer? optimizer) =>
        optimizer ?? throw new ArgumentNullException(nameof(optimizer));

    /// <summary>
    /// Snapshot of every param group's <c>InitialLearningRate</c>, as TorchSharp's base constructor takes it.
    /// </summary>
    internal static double[] InitialLearningRates(torch.optim.Optimizer optimizer) =>
        optimizer.ParamGroups.Select(group => group.InitialLearningRate).ToArray();

    /// <summary>An explicit epoch passed to <c>step(epoch)</c> must be non-negative.</summary>
    internal static void Epoch(int? epoch)
    {
        if (epoch is int value) {
            Hyperparameter.InRange("epoch", value, 0, int.MaxValue);
        }
    }
}
