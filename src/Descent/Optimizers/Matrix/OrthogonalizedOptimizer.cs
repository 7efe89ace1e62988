using System;
using Descent.Core;
using Descent.Orthogonalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Descent.Optimizers;

/// <summary>
/// The base of the optimizers whose matrix rule starts as Muon's (Jordan et al., "Muon: An optimizer for hidden layers
/// in neural networks", 2024; optimizer-specs §16): EMA momentum with optional Nesterov blend on
/// <c>momentum_buffer</c>, then Newton–Schulz as the group's <see cref="OrthogonalizedOptions"/> describe it. Muon and
/// Turbo-Muon use this direction as it is; NorMuon, AdaMuon and Hybrid-AuON extend it, so the Muon step is written once.
/// </summary>
/// <typeparam name="TOptions">The optimizer's options.</typeparam>
public abstract class OrthogonalizedOptimizer<TOptions> : MatrixOptimizer<TOptions>
    where TOptions : OrthogonalizedOptions, new()
{
    /// <summary>Sets the defaults that groups inherit.</summary>
    protected OrthogonalizedOptimizer(TOptions defaults) : base(defaults)
    {
    }

    /// <summary>Creates the momentum buffer <c>momentum_buffer</c> = 0; rules with more state add theirs after it.</summary>
    protected override void InitializeMatrixState(ParameterState state, Parameter parameter, TOptions options) =>
        InitializeMomentum(state, parameter);

    /// <summary>
    /// Muon's direction is split at Newton–Schulz, O = g(NS(f(U))) with U the (Nesterov) EMA momentum,
    /// f = <see cref="NewtonSchulzInput"/> and g = <see cref="MatrixOptimizer{TOptions}.AfterOrthogonalization"/> (the
    /// identity for Muon), so matrices of one shape are orthogonalized together.
    /// </summary>
    protected override bool SplitsAtOrthogonalization => true;

    /// <summary>f(U): the (Nesterov) EMA momentum step, then <see cref="NewtonSchulzInput"/>.</summary>
    protected override Tensor OrthogonalizationInput(UpdateContext<TOptions> context, Tensor gradient) =>
        NewtonSchulzInput(MomentumUpdate(context, gradient));

    /// <summary>The group's Newton–Schulz (its <c>ns_*</c> options).</summary>
    protected override NewtonSchulz Orthogonalizer(UpdateContext<TOptions> context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Options.Orthogonalizer();
    }

    /// <summary>What Newton–Schulz orthogonalizes, given the momentum U: U itself (AdaMuon takes sign(U)).</summary>
    protected virtual Tensor NewtonSchulzInput(Tensor momentum) => momentum;
}
