namespace Descent.Lab.Bench;

/// <summary>Newton–Schulz on one shape and batch against its matrix products alone.</summary>
/// <param name="Rows">Rows of each matrix.</param>
/// <param name="Columns">Columns of each matrix.</param>
/// <param name="Batch">Matrices orthogonalized in one call.</param>
/// <param name="DType">The compute dtype of the iteration (and of the products).</param>
/// <param name="Products">Matrix products per call (3 per iteration).</param>
/// <param name="NewtonSchulz">The time of one orthogonalization.</param>
/// <param name="MatrixProducts">The time of the same products on the same shapes, nothing else.</param>
public sealed record OrthogonalizationResult(long Rows, long Columns, int Batch, string DType, int Products,
    Measurement NewtonSchulz, Measurement MatrixProducts)
{
    /// <summary>Newton–Schulz over its products (1 would mean the normalization, scalings and sums cost nothing).</summary>
    public double Ratio => NewtonSchulz.Median / MatrixProducts.Median;
}
