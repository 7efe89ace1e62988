using System.Collections.Generic;
using Descent.Core;
using Descent.Fused;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// AdaGrad (Duchi, Hazan &amp; Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
/// Optimization", JMLR 12, 2011), diagonal form, with torch.optim.Adagrad's semantics (optimizer-specs §8):
/// S ← S + g², θ ← θ − clr·g/(√S + ε) with clr = lr/(1 + (t−1)·lr_decay) and S starting at
/// <c>initial_accumulator_value</c>. Weight decay is coupled L2 by default. Dense gradients only.
/// </summary>
[OptimizerInfo("Duchi, Hazan & Singer, \"Adaptive Subgradient Methods for Online Learning and Stochastic Optimization\" (JMLR 2011)", "torch.optim.Adagrad (PyTorch 1.13) golden trajectories; hand vectors")]
public sealed class Adagrad : DescentOptimizer<Adagrad.Options>, IDiagonalPreconditioner
{
    /// <summary>Creates AdaGrad (Duchi, Hazan &amp; Singer 2011) over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default: 1e-2).</param>
    /// <param name="lr_decay">Learning-rate decay ≥ 0: step t uses lr/(1 + (t−1)·lr_decay) (default: 0).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="initial_accumulator_value">Starting value ≥ 0 of the sum of squared gradients (default: 0).</param>
    /// <param name="eps">ε &gt; 0 added to √S (default: 1e-10).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: coupled L2, as torch.optim.Adagrad).</param>
    public Adagrad(IEnumerable<Parameter> parameters, double lr = 1e-2, double lr_decay = 0, double weight_decay = 0,
        double initial_accumulator_value = 0, double eps = 1e-10, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates AdaGrad (Duchi, Hazan &amp; Singer 2011) over parameter groups; the arguments are the defaults that groups inherit.</summary>
    /// <inheritdoc cref="Adagrad(IEnumerable{Parameter}, double, double, double, double, double, bool, WeightDecayMode)" />
    public Adagrad(IEnumerable<ParamGroup<Options>> groups, double lr = 1e-2, double lr_decay = 0, double weight_decay = 0,
        double initial_accumulator_value = 0, double eps = 1e-10, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : base(new Options {
            lr = lr, lr_decay = lr_decay, weight_decay = weight_decay, initial_accumulator_value = initial_accumulator_value,
            eps = eps, maximize = maximize, weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <inheritdoc />
    public override bool IsElementwise => true;

    /// <summary>Creates <c>sum</c> (S), filled with the group's <c>initial_accumulator_value</c> (Duchi, Hazan &amp; Singer 2011).</summary>
    /// <inheritdoc />
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        using var initial = options.initial_accumulator_value!.Value.ToScalar();
        state.Set("sum", full_like(parameter, initial));
    }

    /// <summary>One diagonal AdaGrad step (Duchi, Hazan &amp; Singer 2011), in torch.optim.Adagrad's operation order.</summary>
    /// <inheritdoc />
    protected override void Update(UpdateContext<Options> context)
    {
        var o = context.Options;
        var s = context.Scalars;
        var clr = context.LearningRate / (1 + ((context.Step - 1) * o.lr_decay!.Value));
        var sum = context.State["sum"];
        sum.addcmul_(context.Grad, context.Grad, value: s[1.0]);
        var std = sum.sqrt().add_(s[o.eps!.Value]);
        context.Param.addcdiv_(context.Grad, std, value: s[-clr]);
    }

    /// <inheritdoc />
    protected override bool TryFusedUpdate(FusedUpdate<Options> update)
    {
        var sum = update.State["sum"];
        if (!FusedUpdate<Options>.Supports(sum)) {
            return false;
        }
        var o = update.Options;
        var constants = new AdagradKernel.Constants(o.eps!.Value, update.LearningRate, o.lr_decay!.Value, update.Step, update.Prologue);
        update.Run(constants, sum);
        return true;
    }

    /// <summary>
    /// AdaGrad's preconditioner (Cohen et al. 2022): P = (1 + (t − 1)·lr_decay)·(√S + ε), so that the last step was
    /// θ ← θ − lr·P⁻¹·g (<see cref="IDiagonalPreconditioner"/>; the lr_decay factor is 1 by default). Threshold: 2/lr.
    /// </summary>
    /// <inheritdoc />
    public Tensor PreconditionerDiagonal(Parameter parameter)
    {
        var (o, state) = PreconditionerInputs.Of<Options>(this, parameter);
        using var s = new StepScalars();
        var decay = 1 + ((state.Step - 1) * o.lr_decay!.Value);
        return state["sum"].sqrt().add_(s[o.eps!.Value]).mul_(s[decay]);
    }

    /// <summary>AdaGrad's hyperparameters (Duchi, Hazan &amp; Singer 2011); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : DescentOptions
    {
        /// <summary>Learning-rate decay: step t uses lr/(1 + (t−1)·lr_decay).</summary>
        public double? lr_decay { get; set; }

        /// <summary>Starting value of the sum of squared gradients (used when the state is created).</summary>
        public double? initial_accumulator_value { get; set; }

        /// <summary>ε added to √S.</summary>
        public double? eps { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(lr_decay), lr_decay, Hyperparameter.NonNegative);
            Check(nameof(initial_accumulator_value), initial_accumulator_value, Hyperparameter.NonNegative);
            Check(nameof(eps), eps, Hyperparameter.Positive);
        }
    }
}
