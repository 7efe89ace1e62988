namespace Descent.Core;

/// <summary>Options of optimizers with two exponential-decay rates (Adam's betas). Lets OneCycleLR cycle β1.</summary>
public interface IBetaOptions
{
    /// <summary>The first-moment decay rate β1.</summary>
    double? beta1 { get; set; }

    /// <summary>The second-moment decay rate β2.</summary>
    double? beta2 { get; set; }
}

/// <summary>Options of optimizers with a momentum coefficient. Lets CyclicLR and OneCycleLR cycle it.</summary>
public interface IMomentumOptions
{
    /// <summary>The momentum coefficient.</summary>
    double? momentum { get; set; }
}
