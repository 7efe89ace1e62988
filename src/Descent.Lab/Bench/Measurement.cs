using System;
using System.Collections.Generic;
using System.Linq;

namespace Descent.Lab.Bench;

/// <summary>
/// The timings of one repeated operation, in seconds: the median and the spread (quartiles, extremes) of the timed
/// repeats; the warm-up calls before them are not included.
/// </summary>
/// <param name="Median">Median time of one call.</param>
/// <param name="Q1">First quartile.</param>
/// <param name="Q3">Third quartile.</param>
/// <param name="Min">Fastest call.</param>
/// <param name="Max">Slowest call.</param>
/// <param name="Repeats">Timed calls.</param>
/// <param name="Warmup">Untimed calls made first.</param>
public sealed record Measurement(double Median, double Q1, double Q3, double Min, double Max, int Repeats, int Warmup)
{
    /// <summary>Summarizes timed samples.</summary>
    /// <param name="seconds">The time of each timed call (at least one).</param>
    /// <param name="warmup">How many untimed calls came first.</param>
    public static Measurement Of(IReadOnlyCollection<double> seconds, int warmup)
    {
        ArgumentNullException.ThrowIfNull(seconds);
        if (seconds.Count == 0) {
            throw new ArgumentException("A measurement needs at least one timed call.", nameof(seconds));
        }
        var sorted = seconds.Order().ToArray();
        return new Measurement(Quantile(sorted, 0.5), Quantile(sorted, 0.25), Quantile(sorted, 0.75), sorted[0], sorted[^1],
            sorted.Length, warmup);
    }

    /// <summary>The interquartile range relative to the median: a scale-free spread.</summary>
    public double RelativeSpread => Median > 0 ? (Q3 - Q1) / Median : double.NaN;

    // Linear interpolation between order statistics (numpy's default), so an even count gets the mean of the middle two.
    private static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
