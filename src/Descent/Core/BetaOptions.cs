namespace Descent.Core;

/// <summary>
/// Options of optimizers with two decay rates (β1, β2) in [0, 1): the Adam family and Lion. Written once so each
/// optimizer's options declare only what is theirs.
/// </summary>
public abstract class BetaOptions : DescentOptions, IBetaOptions
{
    /// <summary>The first decay rate β1 (the momentum's, for the Adam family).</summary>
    public double? beta1 { get; set; }

    /// <summary>The second decay rate β2 (the second moment's, for the Adam family).</summary>
    public double? beta2 { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Check(nameof(beta1), beta1, Hyperparameter.UnitInterval);
        Check(nameof(beta2), beta2, Hyperparameter.UnitInterval);
    }
}

/// <summary>Options of the adaptive (Adam-family) optimizers: β1, β2 and a stabilising ε &gt; 0.</summary>
public abstract class AdaptiveOptions : BetaOptions
{
    /// <summary>ε &gt; 0 keeping the adaptive denominator away from zero (where it enters is given by each optimizer).</summary>
    public double? eps { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Check(nameof(eps), eps, Hyperparameter.Positive);
    }
}

/// <summary>Options of optimizers with a momentum coefficient in [0, 1).</summary>
public abstract class MomentumOptions : DescentOptions, IMomentumOptions
{
    /// <summary>The momentum coefficient μ.</summary>
    public double? momentum { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Check(nameof(momentum), momentum, Hyperparameter.UnitInterval);
    }
}
