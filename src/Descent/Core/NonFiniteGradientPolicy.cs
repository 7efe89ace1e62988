namespace Descent.Core;

/// <summary>What an optimizer does when a gradient holds NaN or ±∞. Checked for every parameter before any changes.</summary>
public enum NonFiniteGradientPolicy
{
    /// <summary>Throw an <see cref="NonFiniteGradientException"/> naming the parameter; nothing is modified (default).</summary>
    Throw,

    /// <summary>Skip the whole step: no parameter, state or step counter changes; <see cref="DescentOptimizer.SkippedSteps"/> counts it.</summary>
    SkipStep,

    /// <summary>Do not check; the non-finite values flow into the update as they would in torch.optim.</summary>
    Ignore,
}
