using System;

namespace Descent.Lab.Data;

/// <summary>Chooses which rows of a data set are held out for testing, reproducibly from a seed.</summary>
public static class SeededSplit
{
    /// <summary>
    /// Shuffles the row indices 0..<paramref name="count"/>−1 with <paramref name="seed"/> and takes the first
    /// <paramref name="testCount"/> for the test part. Each part is returned in ascending order.
    /// </summary>
    /// <param name="count">The number of rows.</param>
    /// <param name="testCount">How many rows go to the test part: at least 1, below <paramref name="count"/>.</param>
    /// <param name="seed">The seed of the shuffle; the same seed always gives the same parts.</param>
    /// <returns>The training rows and the test rows: disjoint, and together every row once.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Either part would be empty.</exception>
    public static (long[] Train, long[] Test) Indices(int count, int testCount, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(testCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(testCount, count);

        // A Fisher–Yates shuffle driven by our own generator rather than torch.randperm or System.Random: neither
        // promises the same sequence across versions, and the split defines the test set that every reported
        // accuracy is measured on.
        var order = new long[count];
        for (var i = 0; i < order.Length; i++) {
            order[i] = i;
        }
        var random = new SplitMix64(seed);
        for (var i = order.Length - 1; i > 0; i--) {
            var j = (int)random.NextBelow((ulong)i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var test = order.AsSpan(0, testCount).ToArray();
        var train = order.AsSpan(testCount).ToArray();
        // Ascending rows keep each part in file order, which makes the parts easy to inspect and compare.
        Array.Sort(test);
        Array.Sort(train);
        return (train, test);
    }
}
