using System.Collections.Generic;

namespace Descent.Lab.Bench;

/// <summary>What the optimizers suite measures.</summary>
/// <param name="TensorCounts">Parameter tensors per synthetic model (e.g. 10, 100, 1000).</param>
/// <param name="ParameterTotals">Parameters per synthetic model (e.g. 1e6, 1e7); each is crossed with each tensor count.</param>
/// <param name="Variants">The optimizer implementations (default: <see cref="OptimizerVariants.Default"/>).</param>
/// <param name="Timing">Warm-up steps, timed steps and budget per implementation and model.</param>
/// <param name="BandwidthElements">Float32 elements of each tensor of the bandwidth probes.</param>
/// <param name="Seed">Seed of the parameters and gradients.</param>
public sealed record OptimizerSuiteSettings(IReadOnlyList<int> TensorCounts, IReadOnlyList<long> ParameterTotals,
    IReadOnlyList<OptimizerVariant> Variants, BenchTiming Timing, long BandwidthElements, ulong Seed);
