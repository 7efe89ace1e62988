using System;
using System.Collections.Generic;
using Descent.Core;
using Descent.Fused;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// Adamax, the infinity-norm variant of Adam (Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization",
/// ICLR 2015, §7.1), with torch.optim.Adamax's semantics (optimizer-specs §5): m ← β1·m + (1−β1)·g,
/// u ← max(β2·u, |g| + ε), θ ← θ − (lr/(1−β1ᵗ))·m/u. Note that ε is added to |g| inside the maximum, as torch does.
/// Weight decay is coupled L2 by default.
/// </summary>
[OptimizerInfo("Kingma & Ba, \"Adam: A Method for Stochastic Optimization\" (ICLR 2015), §7.1 AdaMax", "torch.optim.Adamax (PyTorch 1.13) golden trajectories; hand vectors")]
public sealed class Adamax : DescentOptimizer<Adamax.Options>, IBetas, IDiagonalPreconditioner
{
    /// <summary>Creates Adamax (Kingma &amp; Ba 2015, §7) over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default: 2e-3).</param>
    /// <param name="beta1">First-moment decay β1 in [0, 1) (default: 0.9).</param>
    /// <param name="beta2">Decay β2 in [0, 1) of the exponentially weighted infinity norm (default: 0.999).</param>
    /// <param name="eps">ε &gt; 0 added to |g| inside the maximum (default: 1e-8).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: coupled L2, as torch.optim.Adamax).</param>
    public Adamax(IEnumerable<Parameter> parameters, double lr = 2e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 0, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, beta1, beta2, eps, weight_decay, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates Adamax (Kingma &amp; Ba 2015, §7) over parameter groups; the arguments are the defaults that groups inherit.</summary>
    /// <inheritdoc cref="Adamax(IEnumerable{Parameter}, double, double, double, double, double, bool, WeightDecayMode)" />
    public Adamax(IEnumerable<ParamGroup<Options>> groups, double lr = 2e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 0, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : base(new Options {
            lr = lr, beta1 = beta1, beta2 = beta2, eps = eps, weight_decay = weight_decay,
            maximize = maximize, weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <inheritdoc />
    public override bool IsElementwise => true;

    /// <summary>The default (β1, β2) (setting them sets every group's).</summary>
    public (double, double) Betas { get => DefaultBetas; set => DefaultBetas = value; }

    /// <summary>Creates <c>exp_avg</c> (m) and <c>exp_inf</c> (u), both zero (Kingma &amp; Ba 2015, Algorithm 2).</summary>
    /// <inheritdoc />
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        state.Set("exp_avg", zeros_like(parameter));
        state.Set("exp_inf", zeros_like(parameter));
    }

    /// <summary>One Adamax step (Kingma &amp; Ba 2015, Algorithm 2), in torch.optim.Adamax's operation order.</summary>
    /// <inheritdoc />
    protected override void Update(UpdateContext<Options> context)
    {
        var o = context.Options;
        var s = context.Scalars;
        var (beta1, beta2) = (o.beta1!.Value, o.beta2!.Value);
        var expAvg = context.State["exp_avg"];
        var expInf = context.State["exp_inf"];
        expAvg.mul_(s[beta1]).add_(context.Grad, alpha: s[1 - beta1]);
        expInf.mul_(s[beta2]);
        expInf.copy_(maximum(expInf, context.Grad.abs().add_(s[o.eps!.Value])));

        var clr = context.LearningRate / (1 - Math.Pow(beta1, context.Step));
        context.Param.addcdiv_(expAvg, expInf, value: s[-clr]);
    }

    /// <inheritdoc />
    protected override bool TryFusedUpdate(FusedUpdate<Options> update)
    {
        var (first, infinity) = (update.State["exp_avg"], update.State["exp_inf"]);
        if (!FusedUpdate<Options>.Supports(first, infinity)) {
            return false;
        }
        var o = update.Options;
        var constants = new AdamaxKernel.Constants(o.beta1!.Value, o.beta2!.Value, o.eps!.Value, update.LearningRate, update.Step, update.Prologue);
        update.Run(constants, first, infinity);
        return true;
    }

    /// <summary>
    /// Adamax's preconditioner in Cohen et al.'s (2022) convention: P = (1 − β1ᵗ)·u, u the infinity-norm average, so
    /// that the last step was θ ← θ − lr·P⁻¹·m (<see cref="IDiagonalPreconditioner"/>). Threshold as Adam's.
    /// </summary>
    /// <inheritdoc />
    public Tensor PreconditionerDiagonal(Parameter parameter)
    {
        var (o, state) = PreconditionerInputs.Of<Options>(this, parameter);
        using var s = new StepScalars();
        return state["exp_inf"].mul(s[1 - Math.Pow(o.beta1!.Value, state.Step)]);
    }

    /// <summary>Adamax's hyperparameters (Kingma &amp; Ba 2015, §7.1); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : AdaptiveOptions
    {
    }
}
