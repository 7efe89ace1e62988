using Descent.Routing;

namespace Descent.Optimizers;

/// <summary>
/// A matrix optimizer (Muon and its family, Dion) seen without its options type: what tools that take any of them by
/// name (the lab's <c>descent plan</c>) need. Implemented by <see cref="MatrixOptimizer{TOptions}"/>.
/// </summary>
public interface IMatrixOptimizer
{
    /// <summary>Which rule, effective learning rate and weight decay each parameter gets, one row per parameter.</summary>
    RoutingPlan Plan();

    /// <summary>Orthogonalize matrices of one shape together in one batched chain per step (default: on).</summary>
    bool BatchOrthogonalization { get; set; }
}
