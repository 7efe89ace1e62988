using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch.optim;

namespace Descent.Core;

/// <summary>
/// A parameter group of a Descent optimizer: its parameters and its own hyperparameters. It exposes
/// <see cref="IBetas"/> and <see cref="IMomentum"/> so that TorchSharp's CyclicLR and OneCycleLR can cycle
/// β1 or momentum on the optimizers that have them.
/// </summary>
/// <typeparam name="TOptions">The optimizer's options type.</typeparam>
public class DescentParamGroup<TOptions> : ParamGroup<TOptions>, IBetas, IMomentum
    where TOptions : DescentOptions, new()
{
    /// <summary>Creates an empty group.</summary>
    public DescentParamGroup()
    {
    }

    /// <summary>Creates a group; hyperparameters left null in <paramref name="options"/> take the optimizer's defaults.</summary>
    public DescentParamGroup(IEnumerable<Parameter> parameters, TOptions? options = null)
        : base(parameters, options ?? new TOptions())
    {
    }

    /// <summary>Creates a group whose parameters carry names (used in error messages and plans).</summary>
    public DescentParamGroup(IEnumerable<(string name, Parameter parameter)> named, TOptions? options = null)
        : this(named.ToList(), options)
    {
    }

    private DescentParamGroup(List<(string name, Parameter parameter)> named, TOptions? options)
        : base(named.Select(n => n.parameter).ToList(), options ?? new TOptions())
    {
        Names = named.Select(n => n.name).ToList();
    }

    /// <summary>The parameters' names, when the group was built from named parameters.</summary>
    public IReadOnlyList<string>? Names { get; }

    /// <inheritdoc />
    public (double, double) Betas {
        get => Options is IBetaOptions b ? (b.beta1 ?? 0, b.beta2 ?? 0) : throw NotSupported("betas");
        set {
            var b = Options as IBetaOptions ?? throw NotSupported("betas");
            (b.beta1, b.beta2) = value;
        }
    }

    /// <inheritdoc />
    public double Momentum {
        get => Options is IMomentumOptions m ? m.momentum ?? 0 : throw NotSupported("momentum");
        set => (Options as IMomentumOptions ?? throw NotSupported("momentum")).momentum = value;
    }

    private NotSupportedException NotSupported(string what) =>
        new($"{typeof(TOptions).DeclaringType?.Name ?? typeof(TOptions).Name} has no {what}; a scheduler that cycles {what} cannot drive it (pass cycle_momentum: false).");
}
