using System;

namespace Descent.Core;

/// <summary>Thrown by a step under <see cref="NonFiniteGradientPolicy.Throw"/>; the optimizer and parameters are unchanged.</summary>
public sealed class NonFiniteGradientException : InvalidOperationException
{
    /// <summary>Creates the exception for the named parameter.</summary>
    public NonFiniteGradientException(string parameter)
        : base($"The gradient of {parameter} holds NaN or infinite values; the step was rejected and nothing was modified. "
            + "Set NonFiniteGradients = NonFiniteGradientPolicy.SkipStep to skip such steps instead.")
    {
        Parameter = parameter;
    }

    /// <summary>The description of the offending parameter (its name when the optimizer was given names).</summary>
    public string Parameter { get; }
}
