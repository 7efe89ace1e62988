using System.Collections.Generic;
using static TorchSharp.torch;

namespace Descent.Lab.Bench;

/// <summary>What the orthogonalization suite measures.</summary>
/// <param name="Shapes">Matrix shapes (rows, columns); a tall one is turned wide by Newton–Schulz itself.</param>
/// <param name="Batches">Batch sizes; each is crossed with each shape.</param>
/// <param name="ComputeType">The iteration's dtype (Muon's default is BFloat16).</param>
/// <param name="Timing">Warm-up, repeats and budget per measurement.</param>
/// <param name="Seed">Seed of the input matrices.</param>
public sealed record OrthogonalizationSuiteSettings(IReadOnlyList<(long Rows, long Columns)> Shapes, IReadOnlyList<int> Batches,
    ScalarType ComputeType, BenchTiming Timing, ulong Seed);
