using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Descent.Flat;
using Descent.Fused;
using static TorchSharp.torch;

namespace Descent.Core;

/// <summary>
/// The base of every Descent optimizer. It plugs into TorchSharp's <see cref="OptimizerHelper"/>, so loops typed
/// against <see cref="optim.Optimizer"/>, <c>step(closure)</c>, <c>zero_grad</c>, parameter groups and every
/// TorchSharp LR scheduler work unchanged. One step, for every parameter with a gradient: the non-finite check
/// (all parameters first, so a rejected step changes nothing), <c>maximize</c>, coupled weight decay, the working
/// precision, decoupled weight decay, the optimizer's rule (<see cref="Update"/>), cautious weight decay. A derived
/// optimizer writes only its options, its state (<see cref="InitializeState"/>) and its rule.
/// </summary>
/// <typeparam name="TOptions">The optimizer's options type.</typeparam>
public abstract class DescentOptimizer<TOptions> : DescentOptimizer
    where TOptions : DescentOptions, new()
{
    private readonly Dictionary<ParamGroup, IReadOnlyList<FlatGroup>> _flatGroups = new(ReferenceEqualityComparer.Instance);
    /// <summary>Sets the defaults (validated) that groups inherit.</summary>
    protected DescentOptimizer(TOptions defaults)
    {
        defaults.InitialLearningRate = defaults.LearningRate ?? throw new ArgumentException("lr must be given.", "lr");
        defaults.Validate();
        _defaults = defaults;
        _parameter_groups = new List<ParamGroup>();
    }

    /// <summary>The defaults that parameter groups inherit.</summary>
    public TOptions Defaults => (TOptions)_defaults;

    /// <summary>
    /// True for rules that treat every tensor elementwise (no reductions over a parameter's shape), so that the same
    /// rule may run on one flat buffer holding many parameters.
    /// </summary>
    public virtual bool IsElementwise => false;

    /// <summary>
    /// The default (β1, β2), for optimizers whose options have betas: setting them sets the defaults and every
    /// group's, which is what TorchSharp's <see cref="optim.IBetas"/> means on an optimizer.
    /// </summary>
    protected (double, double) DefaultBetas {
        get => (((IBetaOptions)Defaults).beta1!.Value, ((IBetaOptions)Defaults).beta2!.Value);
        set {
            foreach (var options in _parameter_groups.Select(g => g.Options).Prepend(Defaults).Cast<IBetaOptions>()) {
                (options.beta1, options.beta2) = value;
            }
        }
    }

    /// <summary>The default momentum, for optimizers whose options have one; setting it sets every group's too.</summary>
    protected double DefaultMomentum {
        get => ((IMomentumOptions)Defaults).momentum!.Value;
        set {
            foreach (var options in _parameter_groups.Select(g => g.Options).Prepend(Defaults).Cast<IMomentumOptions>()) {
                options.momentum = value;
            }
        }
    }

    /// <summary>Adds one group with the default hyperparameters.</summary>
    protected void AddParameters(IEnumerable<Parameter> parameters) =>
        add_param_group(new DescentParamGroup<TOptions>(parameters));

    /// <summary>Adds groups, each with its own hyperparameters.</summary>
    protected void AddGroups(IEnumerable<ParamGroup<TOptions>> groups)
    {
        foreach (var group in groups) {
            add_param_group(group);
        }
    }

    /// <summary>
    /// Adds a parameter group: its unset hyperparameters take the defaults, every value is validated, and the state
    /// of each parameter is created now, so <c>state_dict</c> is complete before the first step.
    /// </summary>
    public override void add_param_group(ParamGroup param_group)
    {
        if (param_group is not ParamGroup<TOptions> typed) {
            throw new ArgumentException($"A group for {GetType().Name} must be a ParamGroup<{typeof(TOptions).FullName}>, not {param_group.GetType().FullName}.", nameof(param_group));
        }
        var options = typed.Options ?? new TOptions();
        options.FillFrom(Defaults);
        options.InitialLearningRate = options.LearningRate!.Value;
        options.Validate();
        var parameters = typed.Parameters?.ToList() ?? throw new ArgumentException("The group has no parameter list.", nameof(param_group));
        CheckNewParameters(parameters);
        typed.Parameters = parameters;
        typed.Options = options;
        var group = DescentParamGroup<TOptions>.Adapt(typed);
        if (group.Names is { } names) {
            Name(names.Zip(parameters));
        }
        foreach (var parameter in parameters) {
            var state = new ParameterState(parameter);
            InitializeState(state, parameter, options);
            state.ConvertTo(StateDType(parameter.dtype));
            _state[parameter.Handle] = state;
        }
        _parameter_groups.Add(group);
    }

    /// <summary>Creates this parameter's state tensors (zeros, at the parameter's shape, device and dtype).</summary>
    protected abstract void InitializeState(ParameterState state, Parameter parameter, TOptions options);

    /// <summary>A rule's hook to read θ before decoupled weight decay changes it (Adafactor's RMS(θ)).</summary>
    protected virtual void BeforeWeightDecay(UpdateContext<TOptions> context)
    {
    }

    /// <summary>The update rule: changes <c>context.Param</c> and <c>context.State</c> in place; never writes the gradient.</summary>
    protected abstract void Update(UpdateContext<TOptions> context);

    /// <summary>
    /// True when the rule wants every context of a step before the first <see cref="Update"/> (see
    /// <see cref="PrepareUpdates"/>); false (the default) updates the parameters one after the other.
    /// </summary>
    protected virtual bool PreparesUpdates => false;

    /// <summary>
    /// Called once per step when <see cref="PreparesUpdates"/> is true, after the core has done everything before the
    /// rule for every parameter with a gradient (maximize, weight decay, working precision, step count) and before
    /// the first <see cref="Update"/>: a rule can do work across parameters here (the matrix optimizers orthogonalize
    /// matrices of one shape together) and use it in <see cref="Update"/>, which then gets the same contexts in the
    /// same order. Parameters do not interact, so each one's update is as if done on its own.
    /// </summary>
    protected virtual void PrepareUpdates(IReadOnlyList<UpdateContext<TOptions>> contexts)
    {
    }

    /// <summary>Performs one optimization step; see the class summary for its order.</summary>
    /// <param name="closure">Optional: re-evaluates the model and returns the loss (run with gradients enabled).</param>
    /// <returns>The closure's loss, or null.</returns>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null) {
            using var enabled = enable_grad();
            loss = closure();
        }
        using (no_grad())
        using (var scope = NewDisposeScope())
        using (var scalars = new StepScalars()) {
            var pending = PendingUpdates();
            if (!GradientsAccepted(pending)) {
                SkippedSteps++;
                return loss!;
            }
            if (PreparesUpdates) {
                var begun = pending.Select(unit => BeginUpdate(unit, scalars)).ToList();
                PrepareUpdates(begun.Select(b => b.Context).ToList());
                begun.ForEach(FinishUpdate);
            } else {
                foreach (var unit in pending) {
                    Apply(unit, scalars);
                }
            }
        }
        return loss!;
    }

    /// <summary>
    /// What one step updates: a packed buffer per flat group that can take a flat step (see <see cref="Flat.FlatGroup"/>),
    /// and every other parameter that has a gradient, one by one.
    /// </summary>
    private List<UpdateUnit> PendingUpdates()
    {
        var pending = new List<UpdateUnit>();
        foreach (var group in _parameter_groups) {
            var options = (TOptions)group.Options;
            var flat = new List<FlatGroup>();
            foreach (var packed in FlatGroupsOf(group)) {
                if (packed.TryPrepare()) {
                    pending.Add(new UpdateUnit(options, packed.Param, packed.Grad, packed.State, packed));
                    flat.Add(packed);
                }
            }
            foreach (var parameter in group.Parameters) {
                var grad = flat.Exists(f => f.MemberHandles.Contains(parameter.Handle)) ? null : parameter.grad;
                if (grad is not null) {
                    pending.Add(new UpdateUnit(options, parameter, grad, (ParameterState)_state[parameter.Handle], null));
                }
            }
        }
        return pending;
    }

    // The flat groups of a parameter group, packed on first use (the first step): one per (dtype, device) partition of
    // the parameters that have a gradient then, when the partition packs (see FlatGroup.TryCreate). Parameters without
    // one (frozen, unused) stay out and are updated one by one if they ever get a gradient. None when the rule is not
    // elementwise or flat buffers are off.
    private IReadOnlyList<FlatGroup> FlatGroupsOf(ParamGroup group)
    {
        if (!FlatBuffers || !IsElementwise) {
            return Array.Empty<FlatGroup>();
        }
        if (!_flatGroups.TryGetValue(group, out var packed)) {
            packed = group.Parameters
                .Where(HasGradient)
                .GroupBy(p => (p.dtype, p.device_type, p.device_index))
                .Select(partition => FlatGroup.TryCreate(partition.ToList(), partition.Select(p => (ParameterState)_state[p.Handle]).ToList()))
                .OfType<FlatGroup>()
                .ToList();
            _flatGroups[group] = packed;
        }
        return packed;
    }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> PackedParameters => _flatGroups.Values.SelectMany(g => g).SelectMany(g => g.Members).ToList();

    private static bool HasGradient(Parameter parameter)
    {
        using var grad = parameter.grad;
        return grad is not null;
    }

    /// <summary>
    /// Zeroes every gradient in place, as TorchSharp's optimizers do (gradients stay allocated; modules'
    /// <c>zero_grad()</c> sets them to null instead). A flat group zeroes its packed gradients in one operation.
    /// </summary>
    public override void zero_grad()
    {
        using var noGrad = no_grad();
        var flat = _flatGroups.Values.SelectMany(g => g).ToList();
        foreach (var packed in flat) {
            packed.ZeroGrad();
        }
        foreach (var parameter in _parameter_groups.SelectMany(g => g.Parameters).Where(p => !flat.Exists(f => f.MemberHandles.Contains(p.Handle)))) {
            using var grad = parameter.grad;
            grad?.zero_();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) {
            foreach (var packed in _flatGroups.Values.SelectMany(g => g)) {
                packed.Dispose();
            }
            _flatGroups.Clear();
        }
        base.Dispose(disposing);
    }

    // One host synchronisation for the whole step; the offending parameter is looked up only on failure.
    private bool GradientsAccepted(List<UpdateUnit> pending)
    {
        if (NonFiniteGradients == NonFiniteGradientPolicy.Ignore || pending.Count == 0) {
            return true;
        }
        if (AllFinite(pending)) {
            return true;
        }
        if (NonFiniteGradients == NonFiniteGradientPolicy.SkipStep) {
            return false;
        }
        var members = pending.SelectMany(u => u.Flat?.Members ?? new[] { u.State.Parameter });
        var bad = members.First(p => p.grad is { } g && !isfinite(g).all().item<bool>());
        throw new NonFiniteGradientException(Describe(bad));
    }

    // float32 CPU gradients are scanned in C# when the fused kernels are on (one read, no allocation); the rest are
    // checked with tensor operations and one host synchronisation for all of them.
    private bool AllFinite(List<UpdateUnit> pending)
    {
        var checkedByTensors = new List<Tensor>();
        foreach (var unit in pending) {
            if (FusedKernels && FusedUpdate<TOptions>.Supports(unit.Grad)) {
                if (!FiniteCheck.All(unit.Grad)) {
                    return false;
                }
            } else {
                checkedByTensors.Add(unit.Grad);
            }
        }
        return checkedByTensors.Count == 0
            || checkedByTensors.Select(g => isfinite(g).all()).Aggregate((a, b) => a.logical_and_(b)).item<bool>();
    }

    private void Apply(UpdateUnit unit, StepScalars scalars)
    {
        if (TryApplyFused(unit)) {
            unit.Flat?.Finish();
        } else {
            FinishUpdate(BeginUpdate(unit, scalars));
        }
    }

    /// <summary>
    /// A rule's fused CPU kernel, when it has one: it runs on <paramref name="update"/>'s tensors (float32, contiguous,
    /// CPU) and returns true, or returns false before changing anything (for example when its state is not float32)
    /// and the tensor path runs instead. The core has checked the gradients and will count the step.
    /// </summary>
    protected virtual bool TryFusedUpdate(FusedUpdate<TOptions> update) => false;

    private bool TryApplyFused(UpdateUnit unit)
    {
        var options = unit.Options;
        var decay = options.weight_decay!.Value;
        var mode = decay == 0 ? WeightDecayMode.None : options.weight_decay_mode!.Value;
        if (!FusedKernels || mode == WeightDecayMode.Cautious || !FusedUpdate<TOptions>.Supports(unit.Param, unit.Grad)) {
            return false;
        }
        var lr = options.LearningRate!.Value;
        var scale = mode switch {
            WeightDecayMode.Decoupled => 1 - (lr * decay),
            WeightDecayMode.DecoupledFixed => 1 - decay,
            _ => 1.0,
        };
        var update = new FusedUpdate<TOptions>(unit.Param, unit.Grad, unit.State, options, unit.State.Step + 1,
            options.maximize == true ? -1f : 1f, mode == WeightDecayMode.Coupled ? (float)decay : 0f, (float)scale);
        var fused = TryFusedUpdate(update);
        GC.KeepAlive(update); // kernels work on raw pointers into these tensors
        if (!fused) {
            return false;
        }
        unit.State.Step++;
        FusedUpdates++;
        return true;
    }

    // One unit's tensor-path update in two halves, everything before the rule and the rule with what follows it, so
    // that PrepareUpdates can run between the halves of all units.
    private sealed record BegunUpdate(UpdateUnit Unit, Tensor Working, Tensor? BeforeUpdate, double CautiousRate,
        UpdateContext<TOptions> Context);

    private BegunUpdate BeginUpdate(UpdateUnit unit, StepScalars scalars)
    {
        var (options, param, grad, state) = (unit.Options, unit.Param, unit.Grad, unit.State);
        var lr = options.LearningRate!.Value;
        var decay = options.weight_decay!.Value;
        var mode = decay == 0 ? WeightDecayMode.None : options.weight_decay_mode!.Value;

        if (options.maximize == true) {
            grad = grad.neg();
        }
        if (mode == WeightDecayMode.Coupled) {
            grad = grad.add(param, alpha: scalars[decay]);
        }
        var working = WorkingCopy(param);
        if (grad.dtype != working.dtype) {
            grad = grad.to(working.dtype);
        }
        var context = new UpdateContext<TOptions>(working, grad, state, options, scalars, StateDType(param.dtype));
        BeforeWeightDecay(context);
        var beforeUpdate = ApplyDecoupledDecay(working, mode, lr, decay, scalars);
        state.Step++;
        return new BegunUpdate(unit, working, beforeUpdate, lr * decay, context);
    }

    private void FinishUpdate(BegunUpdate begun)
    {
        var (unit, working, beforeUpdate, cautiousRate, context) = begun;
        Update(context);
        if (beforeUpdate is not null) {
            ApplyCautiousDecay(working, beforeUpdate, cautiousRate, context.Scalars);
        }
        if (!ReferenceEquals(working, unit.Param)) {
            unit.Param.copy_(working);
        }
        unit.Flat?.Finish();
    }

    // 16-bit parameters with wider state are updated in a copy at the state's precision, then copied back.
    private Tensor WorkingCopy(Tensor param)
    {
        var stateType = StateDType(param.dtype);
        var widen = param.dtype is ScalarType.BFloat16 or ScalarType.Float16 && stateType is ScalarType.Float32;
        return widen ? param.to(stateType) : param;
    }

    // Returns θ before the update when the mode is cautious (the decay then waits for the update's sign).
    private static Tensor? ApplyDecoupledDecay(Tensor param, WeightDecayMode mode, double lr, double decay, StepScalars scalars)
    {
        switch (mode) {
            case WeightDecayMode.Decoupled:
                param.mul_(scalars[1 - (lr * decay)]);
                return null;
            case WeightDecayMode.DecoupledFixed:
                param.mul_(scalars[1 - decay]);
                return null;
            case WeightDecayMode.Cautious:
                return param.clone();
            default:
                return null;
        }
    }

    // θ ← θ − lr·λ·θ_prev where the applied update θ_prev − θ has the sign of θ_prev.
    private static void ApplyCautiousDecay(Tensor param, Tensor previous, double rate, StepScalars scalars)
    {
        var sameSign = previous.sub(param).mul_(previous).gt_(scalars[0]);
        param.addcmul_(previous, sameSign, value: scalars[-rate]);
    }

    private void CheckNewParameters(List<Parameter> parameters)
    {
        foreach (var parameter in parameters) {
            if (_state.ContainsKey(parameter.Handle)) {
                throw new ArgumentException($"{Describe(parameter)} is already in a parameter group of this optimizer.", "param_group");
            }
            if (!parameter.is_floating_point()) {
                throw new ArgumentException($"{Describe(parameter)} has dtype {parameter.dtype}; optimizers need floating-point parameters.", "param_group");
            }
        }
        if (parameters.Select(p => p.Handle).Distinct().Count() != parameters.Count) {
            throw new ArgumentException("The group lists a parameter more than once.", "param_group");
        }
    }

    // One update of a step: a single parameter, or a flat group's packed buffers (Flat set).
    private readonly record struct UpdateUnit(TOptions Options, Tensor Param, Tensor Grad, ParameterState State, FlatGroup? Flat);
}
