using System;
using System.Globalization;

namespace Descent.Core;

/// <summary>
/// Validation of hyperparameters, shared by every optimizer and schedule: an out-of-range value throws an
/// <see cref="ArgumentException"/> whose message names the parameter, the value and the allowed range.
/// </summary>
public static class Hyperparameter
{
    /// <summary>Requires <paramref name="value"/> ≥ 0 and finite.</summary>
    public static void NonNegative(string name, double value) => InRange(name, value, 0, double.PositiveInfinity, true, false);

    /// <summary>Requires <paramref name="value"/> &gt; 0 and finite.</summary>
    public static void Positive(string name, double value) => InRange(name, value, 0, double.PositiveInfinity, false, false);

    /// <summary>Requires 0 ≤ <paramref name="value"/> &lt; 1 (betas, decay rates).</summary>
    public static void UnitInterval(string name, double value) => InRange(name, value, 0, 1, true, false);

    /// <summary>Requires 0 ≤ <paramref name="value"/> ≤ 1.</summary>
    public static void ClosedUnitInterval(string name, double value) => InRange(name, value, 0, 1, true, true);

    /// <summary>Requires <paramref name="value"/> to be finite (any sign).</summary>
    public static void Finite(string name, double value)
    {
        if (!double.IsFinite(value)) {
            throw OutOfRange(name, Format(value), "a finite number");
        }
    }

    /// <summary>
    /// Requires <paramref name="value"/> to lie between <paramref name="low"/> and <paramref name="high"/>,
    /// each end included or not as given. NaN is always rejected.
    /// </summary>
    public static void InRange(string name, double value, double low, double high, bool includeLow, bool includeHigh)
    {
        var aboveLow = includeLow ? value >= low : value > low;
        var belowHigh = includeHigh ? value <= high : value < high;
        if (!(aboveLow && belowHigh) || double.IsNaN(value)) {
            var range = $"{(includeLow ? "[" : "(")}{Format(low)}, {Format(high)}{(includeHigh ? "]" : ")")}";
            throw OutOfRange(name, Format(value), range);
        }
    }

    /// <summary>Requires an integer to be at least <paramref name="minimum"/>.</summary>
    public static void AtLeast(string name, long value, long minimum)
    {
        if (value < minimum) {
            throw OutOfRange(name, value.ToString(CultureInfo.InvariantCulture), $"[{minimum}, ∞)");
        }
    }

    /// <summary>
    /// Requires an integer in [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="bounds"/> may name the
    /// range symbolically (e.g. "[0, total_steps]"), and the message then gives both forms.
    /// </summary>
    public static void InRange(string name, long value, long min, long max, string? bounds = null)
    {
        if (value < min || value > max) {
            var range = $"[{min}, {max}]";
            throw OutOfRange(name, value.ToString(CultureInfo.InvariantCulture), bounds is null ? range : $"{bounds} = {range}");
        }
    }

    /// <summary>Requires <paramref name="value"/> to be a named member of its enum.</summary>
    public static void Defined<TEnum>(string name, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value)) {
            throw OutOfRange(name, value.ToString(), "{" + string.Join(", ", Enum.GetNames<TEnum>()) + "}");
        }
    }

    /// <summary>The error every range check throws: "name = value is out of range; allowed: range."</summary>
    public static ArgumentException OutOfRange(string name, string value, string allowed) =>
        new($"{name} = {value} is out of range; allowed: {allowed}.", name);

    /// <summary>Throws with a message naming the parameter and the rule it broke.</summary>
    public static ArgumentException Invalid(string name, string problem) => new($"{name}: {problem}", name);

    private static string Format(double value) => double.IsPositiveInfinity(value) ? "∞"
        : double.IsNegativeInfinity(value) ? "-∞"
        : value.ToString("R", CultureInfo.InvariantCulture);
}
