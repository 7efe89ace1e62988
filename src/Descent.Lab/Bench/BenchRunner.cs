using System;
using System.Diagnostics;
using System.Linq;
using Descent.Lab.Training;

namespace Descent.Lab.Bench;

/// <summary>Runs the chosen suites with libtorch's threads pinned and collects a <see cref="BenchReport"/>.</summary>
public static class BenchRunner
{
    /// <summary>Runs the suites in <paramref name="settings"/>.</summary>
    /// <param name="settings">What to measure.</param>
    /// <param name="pyTorch">PyTorch's timings to put beside the optimizers' (optional).</param>
    /// <param name="progress">Receives a line after each measurement (optional).</param>
    public static BenchReport Run(BenchSettings settings, PyTorchTimings? pyTorch = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var clock = Stopwatch.StartNew();
        using var threads = TorchThreads.Pin(settings.Threads);
        var suites = settings.Suites;
        var optimizers = suites.Contains(BenchSuite.Optimizers) ? OptimizerSuite.Run(settings.Optimizers, progress) : null;
        var orthogonalization = suites.Contains(BenchSuite.Orthogonalization) ? OrthogonalizationSuite.Run(settings.Orthogonalization, progress) : null;
        var curvature = suites.Contains(BenchSuite.Curvature) ? CurvatureSuite.Run(settings.Curvature, progress) : null;
        return new BenchReport(MachineInfo.Current(settings.Threads), settings, optimizers, orthogonalization, curvature,
            pyTorch, clock.Elapsed.TotalSeconds);
    }
}
