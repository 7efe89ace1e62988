using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Descent.Lab.Bench;

/// <summary>
/// Everything one <c>descent bench</c> run measures: the suites, their sizes and timing, the libtorch thread count.
/// <see cref="Full"/> is the configuration; <see cref="Quick"/> the same measurements on tiny sizes, which
/// run in seconds (for tests and for checking the command, not for numbers).
/// </summary>
/// <param name="Suites">The suites to run, in order.</param>
/// <param name="Optimizers">The optimizers suite's settings.</param>
/// <param name="Orthogonalization">The orthogonalization suite's settings.</param>
/// <param name="Curvature">The curvature suite's settings.</param>
/// <param name="Threads">libtorch intra-op threads during the run.</param>
/// <param name="Quick">True for the quick configuration.</param>
public sealed record BenchSettings(IReadOnlyList<BenchSuite> Suites, OptimizerSuiteSettings Optimizers,
    OrthogonalizationSuiteSettings Orthogonalization, CurvatureSuiteSettings Curvature, int Threads, bool Quick)
{
    /// <summary>Full runs: 3 untimed steps, then up to 20 timed, stopping after 2 s once 3 are timed.</summary>
    public static BenchTiming FullTiming { get; } = new(Warmup: 3, Repeats: 20, MinRepeats: 3, BudgetSeconds: 2);

    /// <summary>Quick runs: 1 untimed call and up to 3 timed (0.2 s budget).</summary>
    public static BenchTiming QuickTiming { get; } = new(Warmup: 1, Repeats: 3, MinRepeats: 1, BudgetSeconds: 0.2);

    /// <summary>
    /// The sizes: models of 10, 100 and 1,000 tensors totalling 1e6 and 1e7 parameters; Newton–Schulz on
    /// 256², 512², 1024² and 2048×512 (an MLP's up-projection) with batches 1 and 4; the digits MLP with hidden
    /// widths 16, 64 and 256.
    /// </summary>
    public static BenchSettings Full(IReadOnlyList<BenchSuite> suites, int threads, BenchTiming? timing = null)
    {
        timing ??= FullTiming;
        return new BenchSettings(suites,
            new OptimizerSuiteSettings(new[] { 10, 100, 1000 }, new[] { 1_000_000L, 10_000_000L }, OptimizerVariants.Default,
                timing, BandwidthProbe.DefaultElements, Seed: 1),
            new OrthogonalizationSuiteSettings(new (long, long)[] { (256, 256), (512, 512), (1024, 1024), (2048, 512) },
                new[] { 1, 4 }, ScalarType.BFloat16, timing, Seed: 1),
            new CurvatureSuiteSettings(new[] { 16, 64, 256 }, Examples: 512, timing, Seed: 1),
            threads, Quick: false);
    }

    /// <summary>The same measurements on tiny sizes: 1 and 10 tensors of 1e4 parameters, 32² and 64×16 matrices, hidden 4.</summary>
    public static BenchSettings QuickSettings(IReadOnlyList<BenchSuite> suites, int threads, BenchTiming? timing = null)
    {
        timing ??= QuickTiming;
        return new BenchSettings(suites,
            new OptimizerSuiteSettings(new[] { 1, 10 }, new[] { 10_000L }, OptimizerVariants.Default, timing, 1L << 16, Seed: 1),
            new OrthogonalizationSuiteSettings(new (long, long)[] { (32, 32), (64, 16) }, new[] { 1, 2 }, ScalarType.BFloat16, timing, Seed: 1),
            new CurvatureSuiteSettings(new[] { 4 }, Examples: 64, timing, Seed: 1),
            threads, Quick: true);
    }

    /// <summary>The timing every suite uses (they share one).</summary>
    public BenchTiming Timing => Optimizers.Timing;

    /// <summary>All suites, in the order they run.</summary>
    public static IReadOnlyList<BenchSuite> AllSuites { get; } = Enum.GetValues<BenchSuite>();
}
