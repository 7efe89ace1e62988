using System.Collections.Generic;

namespace Descent.Lab.Bench;

/// <summary>The optimizers suite's measurements: the bandwidth and one row per implementation and model.</summary>
/// <param name="Bandwidth">The bandwidth measured in the same run, which sets the floors.</param>
/// <param name="Rows">The measurements, by model then variant.</param>
public sealed record OptimizerSuiteResult(BandwidthResult Bandwidth, IReadOnlyList<OptimizerResult> Rows);
