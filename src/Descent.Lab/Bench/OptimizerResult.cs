namespace Descent.Lab.Bench;

/// <summary>One optimizer implementation on one synthetic model.</summary>
/// <param name="Family">The update rule (e.g. Adam).</param>
/// <param name="Implementation">Whose code (e.g. Descent, TorchSharp).</param>
/// <param name="Tensors">Parameter tensors in the model.</param>
/// <param name="Parameters">Parameters in the model.</param>
/// <param name="Step">The time of one step().</param>
/// <param name="StateBytes">Bytes of optimizer state after the timed steps.</param>
/// <param name="FloorSeconds">The memory-bandwidth floor of one step (<see cref="OptimizerByteModel"/>).</param>
public sealed record OptimizerResult(string Family, string Implementation, int Tensors, long Parameters, Measurement Step,
    long StateBytes, double FloorSeconds)
{
    /// <summary>The row label, e.g. "Descent Adam".</summary>
    public string Name => $"{Implementation} {Family}";

    /// <summary>State bytes per parameter (8 for Adam's two float32 moments).</summary>
    public double StateBytesPerParameter => (double)StateBytes / Parameters;

    /// <summary>Median step time over the floor: 1 is the best any implementation can do.</summary>
    public double FloorRatio => Step.Median / FloorSeconds;
}
