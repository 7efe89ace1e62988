using System;

namespace Descent.Lab.Bench;

/// <summary>
/// How often an operation is called: <paramref name="Warmup"/> untimed calls, then up to <paramref name="Repeats"/>
/// timed ones. Timed calls stop early once <paramref name="BudgetSeconds"/> have been spent on them, but never before
/// <paramref name="MinRepeats"/>: slow cases (Muon on 1e7 parameters) then cost seconds, not minutes, and the number
/// actually timed is recorded with each measurement.
/// </summary>
/// <param name="Warmup">Untimed calls first (allocations, lazy state, caches).</param>
/// <param name="Repeats">Most timed calls.</param>
/// <param name="MinRepeats">Fewest timed calls, whatever the budget.</param>
/// <param name="BudgetSeconds">Time after which no further timed call starts (once <paramref name="MinRepeats"/> are done).</param>
public sealed record BenchTiming(int Warmup, int Repeats, int MinRepeats, double BudgetSeconds)
{
    /// <summary>Checks the values: warm-up ≥ 0, 1 ≤ MinRepeats ≤ Repeats, budget &gt; 0.</summary>
    public BenchTiming Validated()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinRepeats, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Repeats, MinRepeats);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BudgetSeconds);
        return this;
    }
}
