using System;
using System.Collections.Generic;
using Descent.Core;
using Descent.Fused;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) with torch.optim.Adam's semantics
/// (optimizer-specs §2): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − (lr/(1−β1ᵗ))·m/(√v/√(1−β2ᵗ) + ε).
/// With <c>amsgrad</c> the denominator uses the running maximum of the raw v (Reddi et al., "On the Convergence of
/// Adam and Beyond", ICLR 2018; optimizer-specs §4). Weight decay is coupled L2 by default; <see cref="AdamW"/>
/// is this rule with decoupled decay.
/// </summary>
[OptimizerInfo("Kingma & Ba, \"Adam: A Method for Stochastic Optimization\" (ICLR 2015); AMSGrad: Reddi et al. (ICLR 2018)", "torch.optim.Adam (PyTorch 1.13) golden trajectories")]
public class Adam : DescentOptimizer<Adam.Options>, IBetas, IDiagonalPreconditioner
{
    /// <summary>Creates Adam over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default: 1e-3).</param>
    /// <param name="beta1">First-moment decay β1 in [0, 1) (default: 0.9).</param>
    /// <param name="beta2">Second-moment decay β2 in [0, 1) (default: 0.999).</param>
    /// <param name="eps">ε &gt; 0 added to the denominator (default: 1e-8).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="amsgrad">Use the AMSGrad maximum of v (default: false).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: coupled L2, as torch.optim.Adam).</param>
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates Adam over parameter groups; the arguments are the defaults that groups inherit.</summary>
    /// <inheritdoc cref="Adam(IEnumerable{Parameter}, double, double, double, double, double, bool, bool, WeightDecayMode)" />
    public Adam(IEnumerable<ParamGroup<Options>> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : base(new Options {
            lr = lr, beta1 = beta1, beta2 = beta2, eps = eps, weight_decay = weight_decay, amsgrad = amsgrad,
            maximize = maximize, weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <inheritdoc />
    public override bool IsElementwise => true;

    /// <summary>The default (β1, β2) (setting them sets every group's).</summary>
    public (double, double) Betas { get => DefaultBetas; set => DefaultBetas = value; }

    /// <inheritdoc />
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        InitializeMoments(state, parameter);
        if (options.amsgrad == true) {
            state.Set("max_exp_avg_sq", zeros_like(parameter));
        }
    }

    /// <inheritdoc />
    protected override void Update(UpdateContext<Options> context)
    {
        var o = context.Options;
        ApplyRule(context.Param, context.Grad, context.State, o.beta1!.Value, o.beta2!.Value, o.eps!.Value,
            o.amsgrad == true, context.LearningRate, context.Step, context.Scalars);
    }

    /// <inheritdoc />
    protected override bool TryFusedUpdate(FusedUpdate<Options> update)
    {
        var o = update.Options;
        var amsgrad = o.amsgrad == true;
        var (first, second) = (update.State["exp_avg"], update.State["exp_avg_sq"]);
        var maxSecond = amsgrad ? update.State["max_exp_avg_sq"] : null;
        if (!FusedUpdate<Options>.Supports(first, second, maxSecond)) {
            return false;
        }
        var constants = new AdamKernel.Constants(o.beta1!.Value, o.beta2!.Value, o.eps!.Value, update.LearningRate, update.Step, amsgrad, update.Prologue);
        update.Run(constants, first, second, maxSecond);
        return true;
    }

    /// <summary>Creates Adam's moments <c>exp_avg</c> and <c>exp_avg_sq</c> (zeros); shared with the optimizers that fall back to AdamW.</summary>
    internal static void InitializeMoments(ParameterState state, Parameter parameter)
    {
        state.Set("exp_avg", zeros_like(parameter));
        state.Set("exp_avg_sq", zeros_like(parameter));
    }

    /// <summary>
    /// Adam's rule on one tensor, written once: the moments, bias corrections and the step
    /// θ ← θ − (lr/(1−β1ᵗ))·m/(√v/√(1−β2ᵗ) + ε). The matrix optimizers' AdamW fallback runs it too.
    /// </summary>
    internal static void ApplyRule(Tensor param, Tensor grad, ParameterState state, double beta1, double beta2,
        double eps, bool amsgrad, double lr, long step, StepScalars s)
    {
        var expAvg = state["exp_avg"];
        var expAvgSq = state["exp_avg_sq"];
        expAvg.mul_(s[beta1]).add_(grad, alpha: s[1 - beta1]);
        expAvgSq.mul_(s[beta2]).addcmul_(grad, grad, value: s[1 - beta2]);

        var biasCorrection1 = 1 - Math.Pow(beta1, step);
        var biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, step));
        var second = expAvgSq;
        if (amsgrad) {
            second = state["max_exp_avg_sq"];
            second.copy_(maximum(second, expAvgSq));
        }
        var denom = second.sqrt().div_(s[biasCorrection2Sqrt]).add_(s[eps]);
        param.addcdiv_(expAvg, denom, value: s[-lr / biasCorrection1]);
    }

    /// <summary>
    /// Adam's preconditioner as Cohen et al. ("Adaptive Gradient Methods at the Edge of Stability", 2022) define it:
    /// P = (1 − β1ᵗ)·(√v/√(1 − β2ᵗ) + ε), v being the AMSGrad maximum when <c>amsgrad</c> is on, so that the last step
    /// was θ ← θ − lr·P⁻¹·m (<see cref="IDiagonalPreconditioner"/>). Stability threshold: (2 + 2β1)/((1 − β1)·lr).
    /// </summary>
    /// <inheritdoc />
    public Tensor PreconditionerDiagonal(Parameter parameter)
    {
        var (o, state) = PreconditionerInputs.Of<Options>(this, parameter);
        var (beta1, beta2, t) = (o.beta1!.Value, o.beta2!.Value, state.Step);
        var second = o.amsgrad == true ? state["max_exp_avg_sq"] : state["exp_avg_sq"];
        using var s = new StepScalars();
        return second.sqrt().div_(s[Math.Sqrt(1 - Math.Pow(beta2, t))]).add_(s[o.eps!.Value]).mul_(s[1 - Math.Pow(beta1, t)]);
    }

    /// <summary>Adam's hyperparameters; null values inherit the optimizer's defaults.</summary>
    public sealed class Options : AdaptiveOptions
    {
        /// <summary>Use AMSGrad.</summary>
        public bool? amsgrad { get; set; }
    }
}
