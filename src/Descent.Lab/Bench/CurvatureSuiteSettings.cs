using System.Collections.Generic;

namespace Descent.Lab.Bench;

/// <summary>What the curvature suite measures.</summary>
/// <param name="HiddenWidths">Hidden-layer widths of the digits MLP (d = 75·hidden + 10).</param>
/// <param name="Examples">Training examples in the objective.</param>
/// <param name="Timing">Warm-up, repeats and budget per measurement.</param>
/// <param name="Seed">Seed of the data split and the initial weights.</param>
public sealed record CurvatureSuiteSettings(IReadOnlyList<int> HiddenWidths, int Examples, BenchTiming Timing, ulong Seed);
