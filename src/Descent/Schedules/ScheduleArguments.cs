using System;
using System.Globalization;
using System.Linq;
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

    /// <summary>Requires <paramref name="min"/> ≤ <paramref name="value"/> ≤ <paramref name="max"/>.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="value">The value given.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <param name="max">The largest allowed value.</param>
    /// <param name="allowed">
    /// How to describe the range when it depends on other arguments, e.g. "[0, total_steps]"; the numeric range is
    /// appended. Null describes it by its numbers only.
    /// </param>
    internal static void InRange(string name, long value, long min, long max, string? allowed = null)
    {
        if (value < min || value > max) {
            throw OutOfRange(name, Format(value), Describe(allowed, Format(min), Format(max)));
        }
    }

    /// <summary>Requires <paramref name="min"/> ≤ <paramref name="value"/> ≤ <paramref name="max"/>, finite.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="value">The value given.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <param name="max">
    /// The largest allowed value; <see cref="double.PositiveInfinity"/> means unbounded (the value must still be
    /// finite).
    /// </param>
    internal static void InRange(string name, double value, double min, double max)
    {
        var finite = double.IsFinite(value);
        if (!finite || value < min || value > max) {
            var upper = double.IsPositiveInfinity(max) ? "∞)" : Format(max) + "]";
            throw OutOfRange(name, Format(value), "[" + Format(min) + ", " + upper);
        }
    }

    /// <summary>Requires <paramref name="value"/> to be a named member of its enum type.</summary>
    internal static void Defined<TEnum>(string name, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value)) {
            throw OutOfRange(name, value.ToString(), "{" + string.Join(", ", Enum.GetNames<TEnum>()) + "}");
        }
    }

    /// <summary>An explicit epoch passed to <c>step(epoch)</c> must be non-negative.</summary>
    internal static void Epoch(int? epoch)
    {
        if (epoch is int value) {
            InRange("epoch", value, 0, int.MaxValue);
        }
    }

    /// <summary>The exception every range check throws.</summary>
    internal static ArgumentException OutOfRange(string name, string value, string allowed) =>
        new($"{name} = {value} is out of range; allowed: {allowed}", name);

    private static string Describe(string? allowed, string min, string max) =>
        allowed == null ? $"[{min}, {max}]" : $"{allowed} = [{min}, {max}]";

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
