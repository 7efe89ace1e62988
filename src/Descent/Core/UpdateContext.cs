using static TorchSharp.torch;

namespace Descent.Core;

/// <summary>
/// What an update rule sees for one parameter in one step. The optimizer core has already applied
/// <c>maximize</c>, coupled weight decay and decoupled weight decay, advanced <see cref="ParameterState.Step"/>,
/// and chosen the working precision; the rule only updates <see cref="Param"/> and its <see cref="State"/> in place.
/// </summary>
/// <typeparam name="TOptions">The optimizer's options type.</typeparam>
public sealed class UpdateContext<TOptions> where TOptions : DescentOptions
{
    private readonly ScalarType _stateType;

    internal UpdateContext(Tensor param, Tensor grad, ParameterState state, TOptions options, StepScalars scalars, ScalarType stateType)
    {
        _stateType = stateType;
        Param = param;
        Grad = grad;
        State = state;
        Options = options;
        Scalars = scalars;
        LearningRate = options.LearningRate!.Value;
    }

    /// <summary>The parameter values to update in place (a working copy at state precision for 16-bit parameters).</summary>
    public Tensor Param { get; }

    /// <summary>The gradient to use. Read-only: it may be the caller's <c>p.grad</c>, which a rule must never modify.</summary>
    public Tensor Grad { get; }

    /// <summary>This parameter's state.</summary>
    public ParameterState State { get; }

    /// <summary>The group's hyperparameters, every value filled in.</summary>
    public TOptions Options { get; }

    /// <summary>The group's current learning rate (as set by a scheduler).</summary>
    public double LearningRate { get; }

    /// <summary>The step count t after this update (1 on the first step).</summary>
    public long Step => State.Step;

    /// <summary>
    /// The state tensor <paramref name="name"/>, created as zeros (at the state's dtype) if it does not exist yet: for
    /// buffers that a hyperparameter changed after construction switches on (momentum raised by a scheduler).
    /// </summary>
    public Tensor StateTensor(string name) =>
        State.Has(name) ? State[name] : State.Set(name, zeros_like(State.Parameter, dtype: _stateType));

    /// <summary>Native Scalars for this step, disposed when it ends.</summary>
    public StepScalars Scalars { get; }
}
