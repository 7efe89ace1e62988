using System.Collections.Generic;
using Descent.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// Normalized SGD with momentum (Cutkosky &amp; Mehta, "Momentum Improves Normalized SGD", ICML 2020):
/// m ← β·m + (1 − β)·g (m starts at 0), θ ← θ − lr·m/(‖m‖₂ + ε). Every step has length lr (up to ε), whatever the
/// gradient's scale; with momentum 0 it is normalized gradient descent, θ ← θ − lr·g/(‖g‖₂ + ε).
/// <para>
/// The norm is taken per parameter tensor, not over all parameters at once: each tensor (a layer's weight, a bias)
/// moves by lr per step, independently of the others, and one step needs no reduction across parameters. The paper
/// states the method for a single parameter vector; with one parameter tensor both choices agree. optimizer-specs §34
/// marks these details (per-tensor versus global norm, ε, zero initial momentum) UNCONFIRMED: no reference
/// implementation was read, so the optimizer is verified by hand-derived vectors only.
/// </para>
/// </summary>
[OptimizerInfo("Cutkosky & Mehta, \"Momentum Improves Normalized SGD\" (ICML 2020)", "hand-derived vectors (optimizer-specs §34; details UNCONFIRMED)")]
public sealed class NormalizedSGD : DescentOptimizer<NormalizedSGD.Options>, IMomentum
{
    /// <summary>Creates normalized SGD with momentum (Cutkosky &amp; Mehta 2020) over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate: the length of each parameter tensor's step (default: 1e-2).</param>
    /// <param name="momentum">Momentum β in [0, 1); 0 gives normalized gradient descent (default: 0.9).</param>
    /// <param name="eps">ε ≥ 0 added to the norm of the momentum (default: 1e-8).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: coupled L2, the decay is normalized with the gradient).</param>
    public NormalizedSGD(IEnumerable<Parameter> parameters, double lr = 1e-2, double momentum = 0.9, double eps = 1e-8,
        double weight_decay = 0, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, momentum, eps, weight_decay, maximize, weight_decay_mode)
    {
    }

    /// <summary>
    /// Creates normalized SGD with momentum (Cutkosky &amp; Mehta 2020) over parameter groups; the arguments are the
    /// defaults that groups inherit.
    /// </summary>
    /// <inheritdoc cref="NormalizedSGD(IEnumerable{Parameter}, double, double, double, double, bool, WeightDecayMode)" />
    public NormalizedSGD(IEnumerable<ParamGroup<Options>> groups, double lr = 1e-2, double momentum = 0.9, double eps = 1e-8,
        double weight_decay = 0, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : base(new Options {
            lr = lr, momentum = momentum, eps = eps, weight_decay = weight_decay, maximize = maximize,
            weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <summary>False: the step divides by the norm of the whole parameter tensor.</summary>
    public override bool IsElementwise => false;

    /// <summary>The default momentum β of normalized SGD (Cutkosky &amp; Mehta 2020) (setting it sets every group's).</summary>
    public double Momentum { get => DefaultMomentum; set => DefaultMomentum = value; }

    /// <summary>Creates the <c>momentum_buffer</c> m = 0 when β &gt; 0; with β = 0 no state is kept.</summary>
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        if (options.momentum != 0) {
            state.Set("momentum_buffer", zeros_like(parameter));
        }
    }

    /// <summary>One step (Cutkosky &amp; Mehta 2020): m ← β·m + (1 − β)·g; θ ← θ − lr·m/(‖m‖₂ + ε).</summary>
    protected override void Update(UpdateContext<Options> context)
    {
        var o = context.Options;
        var s = context.Scalars;
        var momentum = o.momentum!.Value;
        var direction = context.Grad;
        if (momentum != 0 || context.State.Has("momentum_buffer")) {
            // A buffer that exists is kept up to date even at β = 0 (m ← g), so a scheduler may cycle β freely;
            // one missing because β was 0 at construction starts from zero now.
            direction = context.StateTensor("momentum_buffer");
            direction.mul_(s[momentum]).add_(context.Grad, alpha: s[1 - momentum]);
        }
        // ‖m‖ + ε stays a 0-dim tensor: no host synchronisation.
        var denominator = direction.norm().add_(s[o.eps!.Value]);
        context.Param.addcdiv_(direction, denominator, value: s[-context.LearningRate]);
    }

    /// <summary>Hyperparameters of normalized SGD with momentum (Cutkosky &amp; Mehta 2020); null values inherit the defaults.</summary>
    public sealed class Options : MomentumOptions
    {
        /// <summary>ε added to ‖m‖₂ (a zero momentum then gives a zero step instead of NaN when ε &gt; 0).</summary>
        public double? eps { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(eps), eps, Hyperparameter.NonNegative);
        }
    }
}
