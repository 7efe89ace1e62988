using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Core;
using Descent.Orthogonalization;
using Descent.Routing;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// The base of the matrix optimizers (Muon and its family, Dion). Every group has a <see cref="MatrixOptions.rule"/>:
/// matrix groups get the derived optimizer's rule on each parameter viewed as a (rows × cols) matrix (convolution
/// kernels flattened to (out, in·kh·kw), and the shape scale computed on that flattened shape); fallback groups get
/// AdamW or Lion. One optimizer object drives both, so one LR scheduler serves every group. Routing (which parameter
/// goes where) comes from <see cref="RoutedParamGroup{TOptions}"/>s, built by <c>ParameterRouter</c> from a
/// model or, for a plain parameter list, by shape; <see cref="Plan"/> prints the result.
/// </summary>
/// <typeparam name="TOptions">The optimizer's options.</typeparam>
public abstract class MatrixOptimizer<TOptions> : DescentOptimizer<TOptions>, IMomentum, IMatrixOptimizer
    where TOptions : MatrixOptions, new()
{
    /// <summary>The name of the family's momentum state tensor (KellerJordan/Muon's and torch.optim's).</summary>
    protected const string MomentumBuffer = "momentum_buffer";

    private readonly Dictionary<IntPtr, RoutedParameter> _routes = new();

    // This step's orthogonalized matrices, from PrepareUpdates until Update takes them (BatchOrthogonalization).
    private readonly Dictionary<UpdateContext<TOptions>, (Tensor Gradient, Tensor Orthogonalized)> _orthogonalized =
        new(ReferenceEqualityComparer.Instance);

    /// <summary>Sets the defaults that groups inherit.</summary>
    protected MatrixOptimizer(TOptions defaults) : base(defaults)
    {
    }

    /// <summary>The default momentum μ (setting it sets every group's).</summary>
    public double Momentum { get => DefaultMomentum; set => DefaultMomentum = value; }

    /// <summary>The groups of a plain parameter list routed by shape: matrices to the matrix rule, the rest to the fallback.</summary>
    protected static IEnumerable<ParamGroup<TOptions>> RouteByShape(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return RoutedParamGroup<TOptions>.From(parameters.Select(p => RoutedParameter.ByShape(null, p)));
    }

    /// <summary>
    /// Adds a group. A routed fallback group takes the optimizer's <see cref="MatrixOptions.fallback"/> rule; a
    /// fallback group without a learning rate takes <see cref="MatrixOptions.fallback_lr"/>. A matrix group must hold
    /// only parameters with two or more dimensions.
    /// </summary>
    public override void add_param_group(ParamGroup param_group)
    {
        if (param_group is ParamGroup<TOptions> typed) {
            var options = typed.Options ??= new TOptions();
            if (param_group is RoutedParamGroup<TOptions> routed) {
                options.rule ??= routed.Rule ?? Defaults.fallback;
            }
            var rule = options.rule ?? Defaults.rule;
            if (rule != UpdateRule.Matrix) {
                options.LearningRate ??= Defaults.fallback_lr;
            } else {
                CheckMatrices(typed);
            }
            base.add_param_group(param_group);
            if (param_group is RoutedParamGroup<TOptions> remembered) {
                foreach (var route in remembered.Routes) {
                    _routes[route.Parameter.Handle] = route;
                }
            }
            return;
        }
        base.add_param_group(param_group);
    }

    /// <summary>Which rule, effective learning rate and weight decay each parameter gets, one row per parameter.</summary>
    public RoutingPlan Plan() => new(
        from g in _parameter_groups
        let options = (TOptions)g.Options
        from p in g.Parameters
        select Row(p, options));

    /// <summary>The (rows, cols) a parameter is treated as: (d0, numel/d0); (1, 1) for scalars.</summary>
    public static (long Rows, long Cols) MatrixShape(Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.dim() == 0) {
            return (1, 1);
        }
        var rows = parameter.size(0);
        return (rows, rows == 0 ? 0 : parameter.numel() / rows);
    }

    /// <summary>Creates the state of a matrix-rule parameter (at the parameter's shape, device and dtype).</summary>
    protected abstract void InitializeMatrixState(ParameterState state, Parameter parameter, TOptions options);

    /// <summary>
    /// Orthogonalize matrices of one shape together: within a step, the matrices that the rule orthogonalizes with the
    /// same Newton–Schulz settings and that have one shape (on their wide side), dtype and device go through batched
    /// chains of up to <see cref="MaxOrthogonalizationBatchBytes"/> (<see cref="NewtonSchulzBatch"/>); everything else
    /// in the rule stays per parameter. Default: on. Off, each matrix is orthogonalized on its own, in the step's
    /// parameter order. The results agree bit for bit on CPU (tested with one intra-op thread) except with spectral
    /// pre-normalization (see <see cref="NewtonSchulzBatch"/>). No effect on rules that are not split around one
    /// orthogonalization (<see cref="SplitsAtOrthogonalization"/>: AuON, Dion).
    /// </summary>
    public bool BatchOrthogonalization { get; set; } = true;

    /// <summary>
    /// The most bytes one batched chain stacks (see <see cref="NewtonSchulzBatch.MaxChainBytes"/>; default 128 KiB):
    /// more matrices of one shape are split into several chains, since on CPU large matrices gain nothing from
    /// stacking and large stacked tensors cost more to allocate and keep in cache.
    /// </summary>
    public long MaxOrthogonalizationBatchBytes { get; set; } = NewtonSchulzBatch.DefaultMaxChainBytes;

    /// <summary>
    /// True for rules written as <see cref="OrthogonalizationInput"/> → Newton–Schulz with <see cref="Orthogonalizer"/>
    /// → <see cref="AfterOrthogonalization"/>, which <see cref="BatchOrthogonalization"/> can batch across matrices;
    /// false (the default) for rules that override <see cref="Direction"/> whole.
    /// </summary>
    protected virtual bool SplitsAtOrthogonalization => false;

    /// <summary>
    /// The rule's direction O for one matrix: <paramref name="gradient"/> is the (read-only) gradient viewed as
    /// (rows × cols); the result has that shape and is applied as θ ← θ − <see cref="EffectiveLearningRate"/>·O.
    /// By default the split rule's parts in order: <see cref="AfterOrthogonalization"/> of the Newton–Schulz of
    /// <see cref="OrthogonalizationInput"/>; rules that are not split (<see cref="SplitsAtOrthogonalization"/> false) override it.
    /// </summary>
    protected virtual Tensor Direction(UpdateContext<TOptions> context, Tensor gradient)
    {
        var input = OrthogonalizationInput(context, gradient);
        return AfterOrthogonalization(context, gradient, Orthogonalizer(context, input).Orthogonalize(input));
    }

    /// <summary>
    /// A split rule's first part: updates the state that comes before the orthogonalization (momentum) and returns the
    /// (rows × cols) matrix to orthogonalize. Called once per matrix and step.
    /// </summary>
    protected virtual Tensor OrthogonalizationInput(UpdateContext<TOptions> context, Tensor gradient) =>
        throw new NotSupportedException($"{GetType().Name} must override Direction or split its rule (SplitsAtOrthogonalization).");

    /// <summary>A split rule's orthogonalizer for this matrix (<paramref name="input"/> is its <see cref="OrthogonalizationInput"/>).</summary>
    protected virtual NewtonSchulz Orthogonalizer(UpdateContext<TOptions> context, Tensor input) =>
        throw new NotSupportedException($"{GetType().Name} must override Direction or split its rule (SplitsAtOrthogonalization).");

    /// <summary>
    /// A split rule's last part: the direction from the orthogonalized input (by default that matrix itself); may
    /// update the state that comes after the orthogonalization (NorMuon's and AdaMuon's second moments).
    /// </summary>
    protected virtual Tensor AfterOrthogonalization(UpdateContext<TOptions> context, Tensor gradient, Tensor orthogonalized) =>
        orthogonalized;

    /// <summary>The learning rate a (rows × cols) matrix effectively gets: lr times the shape scale.</summary>
    protected virtual double EffectiveLearningRate(TOptions options, long rows, long cols) =>
        options.LearningRate!.Value * options.shape_scale!.Value.Factor(rows, cols);

    /// <summary>Applies θ ← θ − lr_eff·O; rules whose step size is itself a tensor (AdaGO) override this.</summary>
    protected virtual void ApplyDirection(UpdateContext<TOptions> context, Tensor direction, long rows, long cols)
    {
        var rate = EffectiveLearningRate(context.Options, rows, cols);
        context.Param.add_(direction.reshape(context.Param.shape), alpha: context.Scalars[-rate]);
    }

    /// <summary>Creates the Muon family's momentum buffer <c>momentum_buffer</c> = 0 (at the parameter's shape).</summary>
    protected static void InitializeMomentum(ParameterState state, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameter);
        state.Set(MomentumBuffer, zeros_like(parameter));
    }

    /// <summary>
    /// The Muon family's momentum step on <c>momentum_buffer</c> with the group's μ and Nesterov flag (see
    /// <see cref="EmaMomentum"/>): the matrix U that the rule then orthogonalizes or normalizes.
    /// </summary>
    protected static Tensor MomentumUpdate(UpdateContext<TOptions> context, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        var buffer = AsMatrix(context.State[MomentumBuffer]);
        return EmaMomentum(buffer, gradient, o.momentum!.Value, o.nesterov!.Value, context.Scalars);
    }

    /// <summary>
    /// EMA momentum M ← μ·M + (1 − μ)·G (KellerJordan/Muon's lerp form) on the matrix view of a state buffer; returns
    /// the Nesterov blend (1 − μ)·G + μ·M as a new tensor, or M itself. Never writes <paramref name="gradient"/>.
    /// </summary>
    protected static Tensor EmaMomentum(Tensor buffer, Tensor gradient, double mu, bool nesterov, StepScalars scalars)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(scalars);
        LerpInPlace(buffer, SameType(gradient, buffer), 1 - mu, scalars);
        var momentum = SameType(buffer, gradient);
        return nesterov ? Lerp(gradient, momentum, mu, scalars) : momentum;
    }

    /// <summary>
    /// buffer ← torch.lerp(buffer, target, w) in place, with torch's formula (see <see cref="Lerp"/>): the EMA
    /// buffer ← (1 − w)·buffer + w·target of the family's momentum and second-moment buffers.
    /// </summary>
    protected static void LerpInPlace(Tensor buffer, Tensor target, double w, StepScalars scalars)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(scalars);
        if (w < 0.5) {
            buffer.add_(target.sub(buffer), alpha: scalars[w]);
        } else {
            var difference = target.sub(buffer);
            buffer.copy_(target).add_(difference, alpha: scalars[w - 1]);
        }
    }

    /// <summary>
    /// torch.lerp(a, b, w) with torch's own formula (a + w·(b − a) for w &lt; 0.5, else b − (1 − w)·(b − a)), so
    /// results round as the reference implementations' do; TorchSharp's lerp takes only tensor weights.
    /// </summary>
    protected static Tensor Lerp(Tensor a, Tensor b, double w, StepScalars scalars)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(scalars);
        var difference = b.sub(a);
        return w < 0.5 ? a.add(difference, alpha: scalars[w]) : b.add(difference, alpha: scalars[w - 1]);
    }

    /// <summary>A state tensor of a parameter's shape viewed as that parameter's (rows × cols) matrix.</summary>
    protected static Tensor AsMatrix(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (rows, cols) = MatrixShape(tensor);
        return tensor.view(rows, cols);
    }

    /// <inheritdoc />
    protected sealed override void InitializeState(ParameterState state, Parameter parameter, TOptions options)
    {
        switch (options.rule!.Value) {
            case UpdateRule.AdamW:
                Adam.InitializeMoments(state, parameter);
                break;
            case UpdateRule.Lion:
                Lion.InitializeMomentum(state, parameter);
                break;
            default:
                InitializeMatrixState(state, parameter, options);
                break;
        }
    }

    /// <inheritdoc />
    protected sealed override void Update(UpdateContext<TOptions> context)
    {
        var o = context.Options;
        switch (o.rule!.Value) {
            case UpdateRule.AdamW:
                Adam.ApplyRule(context.Param, context.Grad, context.State, o.beta1!.Value, o.beta2!.Value, o.eps!.Value,
                    amsgrad: false, context.LearningRate, context.Step, context.Scalars);
                return;
            case UpdateRule.Lion:
                Lion.ApplyRule(context.Param, context.Grad, context.State, o.beta1!.Value, o.beta2!.Value,
                    context.LearningRate, context.Scalars);
                return;
        }
        var (rows, cols) = MatrixShape(context.Param);
        if (rows * cols == 0) {
            return;
        }
        var direction = _orthogonalized.Remove(context, out var prepared)
            ? AfterOrthogonalization(context, prepared.Gradient, prepared.Orthogonalized)
            : Direction(context, context.Grad.reshape(rows, cols));
        ApplyDirection(context, direction, rows, cols);
    }

    /// <inheritdoc />
    protected sealed override bool PreparesUpdates => BatchOrthogonalization && SplitsAtOrthogonalization;

    /// <summary>
    /// Runs the first part of the split rule for every matrix of the step, then Newton–Schulz on all of them in as
    /// few batched chains as possible; <see cref="Update"/> finishes each matrix with <see cref="AfterOrthogonalization"/>.
    /// </summary>
    protected sealed override void PrepareUpdates(IReadOnlyList<UpdateContext<TOptions>> contexts)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        // Entries of a step that threw are stale; contexts are new each step, so they would never be looked up again.
        _orthogonalized.Clear();
        var batch = new NewtonSchulzBatch(MaxOrthogonalizationBatchBytes);
        var added = new List<(UpdateContext<TOptions> Context, Tensor Gradient, int Index)>();
        foreach (var context in contexts) {
            var (rows, cols) = MatrixShape(context.Param);
            if (context.Options.rule!.Value != UpdateRule.Matrix || rows * cols == 0) {
                continue;
            }
            var gradient = context.Grad.reshape(rows, cols);
            var input = OrthogonalizationInput(context, gradient);
            added.Add((context, gradient, batch.Add(Orthogonalizer(context, input), input)));
        }
        var results = batch.Run();
        foreach (var (context, gradient, index) in added) {
            _orthogonalized[context] = (gradient, results[index]);
        }
    }

    private static Tensor SameType(Tensor tensor, Tensor like) =>
        tensor.dtype == like.dtype ? tensor : tensor.to(like.dtype);

    private PlanRow Row(Parameter parameter, TOptions options)
    {
        var route = _routes.GetValueOrDefault(parameter.Handle) ?? RoutedParameter.ByShape(null, parameter);
        var rule = options.rule!.Value;
        var (rows, cols) = MatrixShape(parameter);
        var matrix = rule == UpdateRule.Matrix;
        var reason = _routes.ContainsKey(parameter.Handle) ? route.Reason : $"in a group with rule = {rule}";
        return new PlanRow(NameOf(parameter), parameter.shape, route.Role, matrix ? GetType().Name : rule.ToString(),
            matrix ? EffectiveLearningRate(options, rows, cols) : options.LearningRate!.Value,
            options.weight_decay!.Value, reason);
    }

    private void CheckMatrices(ParamGroup<TOptions> group)
    {
        var names = (group as DescentParamGroup<TOptions>)?.Names;
        var index = 0;
        foreach (var parameter in group.Parameters) {
            if (parameter.dim() < 2) {
                var name = names is null ? $"#{index} of the group" : $"'{names[index]}'";
                throw new ArgumentException(
                    $"Parameter {name} has shape [{string.Join(", ", parameter.shape)}]; the {GetType().Name} rule needs a matrix "
                    + "(2-D, or a convolution kernel it flattens). Give it a group with rule = AdamW or Lion, or build the groups "
                    + "with ParameterRouter.", "param_group");
            }
            index++;
        }
    }
}
