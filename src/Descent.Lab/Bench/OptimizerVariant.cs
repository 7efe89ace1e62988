using System;
using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch.optim;

namespace Descent.Lab.Bench;

/// <summary>
/// One optimizer implementation to time: a family (the update rule, e.g. <c>Adam</c>, which fixes the byte model
/// and the comparison row), an implementation (e.g. <c>Descent</c>, <c>TorchSharp</c>) and a factory.
/// </summary>
/// <param name="Family">The update rule; a key of <see cref="OptimizerByteModel"/>.</param>
/// <param name="Implementation">Whose code runs: <c>Descent</c>, <c>TorchSharp</c>, or a Descent variant's name.</param>
/// <param name="Create">Builds the optimizer over the given parameters (their gradients are already set).</param>
public sealed record OptimizerVariant(string Family, string Implementation, Func<IReadOnlyList<Parameter>, Optimizer> Create)
{
    /// <summary>The row label, e.g. "Descent Adam".</summary>
    public string Name => $"{Implementation} {Family}";

    /// <summary>True for Descent's own optimizers (any variant), which the Descent/TorchSharp ratio puts on top.</summary>
    public bool IsDescent => Implementation.StartsWith(OptimizerVariants.Descent, StringComparison.Ordinal);
}
