namespace Descent.Lab.Bench;

/// <summary>The cost of a Hessian-vector product relative to a gradient on one digits MLP.</summary>
/// <param name="Hidden">Width of the MLP's hidden layer.</param>
/// <param name="Dimension">Parameters d of the MLP.</param>
/// <param name="Examples">Examples in the objective (one batch).</param>
/// <param name="Method">How the HVP is computed (<see cref="Descent.Curvature.HvpMethod"/>).</param>
/// <param name="Gradient">The time of one gradient.</param>
/// <param name="Hvp">The time of one HVP.</param>
public sealed record CurvatureResult(int Hidden, long Dimension, int Examples, string Method, Measurement Gradient, Measurement Hvp)
{
    /// <summary>HVP time over gradient time (Pearlmutter's double backward costs about 2–3 gradients).</summary>
    public double Ratio => Hvp.Median / Gradient.Median;
}
