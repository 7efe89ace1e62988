namespace Descent.Lab.Bench;

/// <summary>The measurement suites of <c>descent bench</c>.</summary>
public enum BenchSuite
{
    /// <summary>Optimizer step times against TorchSharp's built-ins and the memory-bandwidth floor.</summary>
    Optimizers,

    /// <summary>Newton–Schulz against its matrix products alone.</summary>
    Orthogonalization,

    /// <summary>HVP time over gradient time.</summary>
    Curvature,
}
