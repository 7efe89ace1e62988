using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Descent.Lab.Bench;

/// <summary>Times an operation: warm-up calls first (not timed), then one stopwatch reading per timed call.</summary>
public static class BenchTimer
{
    /// <summary>Calls <paramref name="action"/> as <paramref name="timing"/> says and summarizes the timed calls.</summary>
    /// <param name="action">The operation; it must finish its work before returning (CPU tensors do).</param>
    /// <param name="timing">Warm-up, repeats and budget.</param>
    /// <returns>The median and spread of the timed calls.</returns>
    public static Measurement Measure(Action action, BenchTiming timing)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(timing);
        timing.Validated();
        for (var i = 0; i < timing.Warmup; i++) {
            action();
        }
        var samples = new List<double>(timing.Repeats);
        var spent = 0.0;
        while (samples.Count < timing.Repeats && (samples.Count < timing.MinRepeats || spent < timing.BudgetSeconds)) {
            // One reading per call rather than one over a loop: the median then discards calls that another process
            // on the shared cores interrupted.
            var start = Stopwatch.GetTimestamp();
            action();
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            samples.Add(seconds);
            spent += seconds;
        }
        return Measurement.Of(samples, timing.Warmup);
    }
}
