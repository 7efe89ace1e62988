using System.Collections.Generic;
using Descent.Core;
using Descent.Fused;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// RMSprop (Tieleman &amp; Hinton, COURSERA "Neural Networks for Machine Learning", lecture 6.5, 2012), with
/// torch.optim.RMSprop's semantics (optimizer-specs §9): s ← α·s + (1−α)·g²; a = √s + ε, or with
/// <c>centered</c> (Graves, "Generating Sequences With Recurrent Neural Networks", 2013) ḡ ← α·ḡ + (1−α)·g and
/// a = √(s − ḡ²) + ε; then θ ← θ − lr·g/a, or with momentum μ &gt; 0: b ← μ·b + g/a, θ ← θ − lr·b.
/// No bias correction; ε outside the square root; s − ḡ² is not clamped (as torch). Weight decay is coupled L2 by default.
/// </summary>
[OptimizerInfo("Tieleman & Hinton, \"Neural Networks for Machine Learning\", COURSERA lecture 6.5 (2012); centered: Graves (2013)", "torch.optim.RMSprop (PyTorch 1.13) golden trajectories; hand vectors")]
public sealed class RMSprop : DescentOptimizer<RMSprop.Options>, IMomentum, IDiagonalPreconditioner
{
    /// <summary>Creates RMSprop (Tieleman &amp; Hinton 2012) over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default: 1e-2).</param>
    /// <param name="alpha">Smoothing constant α in [0, 1) of the squared-gradient average (default: 0.99).</param>
    /// <param name="eps">ε &gt; 0 added to the root mean square (default: 1e-8).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="momentum">Momentum factor μ in [0, 1) (default: 0).</param>
    /// <param name="centered">Normalize by an estimate of the gradient's variance instead of its second moment (default: false).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: coupled L2, as torch.optim.RMSprop).</param>
    public RMSprop(IEnumerable<Parameter> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weight_decay = 0, double momentum = 0, bool centered = false, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, alpha, eps, weight_decay, momentum, centered, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates RMSprop (Tieleman &amp; Hinton 2012) over parameter groups; the arguments are the defaults that groups inherit.</summary>
    /// <inheritdoc cref="RMSprop(IEnumerable{Parameter}, double, double, double, double, double, bool, bool, WeightDecayMode)" />
    public RMSprop(IEnumerable<ParamGroup<Options>> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weight_decay = 0, double momentum = 0, bool centered = false, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : base(new Options {
            lr = lr, alpha = alpha, eps = eps, weight_decay = weight_decay, momentum = momentum, centered = centered,
            maximize = maximize, weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <inheritdoc />
    public override bool IsElementwise => true;

    /// <summary>The default momentum (setting it sets every group's).</summary>
    public double Momentum { get => DefaultMomentum; set => DefaultMomentum = value; }

    /// <summary>
    /// Creates <c>square_avg</c>, plus <c>momentum_buffer</c> when μ &gt; 0 and <c>grad_avg</c> when centered, all
    /// zero (Tieleman &amp; Hinton 2012).
    /// </summary>
    /// <inheritdoc />
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        state.Set("square_avg", zeros_like(parameter));
        if (options.momentum > 0) {
            state.Set("momentum_buffer", zeros_like(parameter));
        }
        if (options.centered == true) {
            state.Set("grad_avg", zeros_like(parameter));
        }
    }

    /// <summary>One RMSprop step (Tieleman &amp; Hinton 2012), in torch.optim.RMSprop's operation order.</summary>
    /// <inheritdoc />
    protected override void Update(UpdateContext<Options> context)
    {
        var o = context.Options;
        var s = context.Scalars;
        var alpha = o.alpha!.Value;
        var momentum = o.momentum!.Value;
        var squareAvg = context.State["square_avg"];
        squareAvg.mul_(s[alpha]).addcmul_(context.Grad, context.Grad, value: s[1 - alpha]);

        Tensor avg;
        if (o.centered == true) {
            var gradAvg = context.StateTensor("grad_avg");
            gradAvg.mul_(s[alpha]).add_(context.Grad, alpha: s[1 - alpha]);
            avg = squareAvg.addcmul(gradAvg, gradAvg, value: s[-1.0]).sqrt_();
        } else {
            avg = squareAvg.sqrt();
        }
        avg.add_(s[o.eps!.Value]);

        if (momentum > 0) {
            var buffer = context.StateTensor("momentum_buffer");
            buffer.mul_(s[momentum]).addcdiv_(context.Grad, avg, value: s[1.0]);
            context.Param.add_(buffer, alpha: s[-context.LearningRate]);
        } else {
            context.Param.addcdiv_(context.Grad, avg, value: s[-context.LearningRate]);
        }
    }

    /// <inheritdoc />
    protected override bool TryFusedUpdate(FusedUpdate<Options> update)
    {
        var o = update.Options;
        var (centered, momentum) = (o.centered == true, o.momentum!.Value);
        var state = update.State;
        // A gradient average or buffer switched on after construction is created by the tensor path.
        if ((centered && !state.Has("grad_avg")) || (momentum > 0 && !state.Has("momentum_buffer"))) {
            return false;
        }
        var squareAverage = state["square_avg"];
        var gradAverage = centered ? state["grad_avg"] : null;
        var buffer = momentum > 0 ? state["momentum_buffer"] : null;
        if (!FusedUpdate<Options>.Supports(squareAverage, gradAverage, buffer)) {
            return false;
        }
        var constants = new RmspropKernel.Constants(o.alpha!.Value, o.eps!.Value, momentum, centered, update.LearningRate, update.Prologue);
        update.Run(constants, squareAverage, gradAverage, buffer);
        return true;
    }

    /// <summary>
    /// RMSprop's preconditioner (Cohen et al. 2022): P = √s + ε, or √(s − ḡ²) + ε when centered, so that the last step
    /// was θ ← θ − lr·P⁻¹·g, or with momentum μ the heavy-ball step b ← μ·b + P⁻¹·g, θ ← θ − lr·b
    /// (<see cref="IDiagonalPreconditioner"/>). Stability threshold: 2/lr, or (2 + 2μ)/lr with momentum.
    /// </summary>
    /// <inheritdoc />
    public Tensor PreconditionerDiagonal(Parameter parameter)
    {
        var (o, state) = PreconditionerInputs.Of<Options>(this, parameter);
        using var s = new StepScalars();
        var squareAvg = state["square_avg"];
        var root = o.centered == true && state.Has("grad_avg")
            ? squareAvg.addcmul(state["grad_avg"], state["grad_avg"], value: s[-1.0]).sqrt_()
            : squareAvg.sqrt();
        return root.add_(s[o.eps!.Value]);
    }

    /// <summary>RMSprop's hyperparameters (Tieleman &amp; Hinton 2012); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : MomentumOptions
    {
        /// <summary>Smoothing constant α of the squared-gradient average.</summary>
        public double? alpha { get; set; }

        /// <summary>ε added to the root mean square.</summary>
        public double? eps { get; set; }


        /// <summary>Use the centered variant (divide by an estimate of the gradient's standard deviation).</summary>
        public bool? centered { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(alpha), alpha, Hyperparameter.UnitInterval);
            Check(nameof(eps), eps, Hyperparameter.Positive);
        }
    }
}
