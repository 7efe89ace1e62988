using System.Collections.Generic;
using Descent.Core;
using Descent.Fused;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// Lion, "EvoLved Sign Momentum" (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023), as in
/// google/automl's lion_pytorch.py (optimizer-specs §10): c = β1·m + (1 − β1)·g, θ ← θ − lr·sign(c) with sign(0) = 0,
/// then m ← β2·m + (1 − β2)·g (the momentum is updated after the step, with its own rate β2). Weight decay is
/// decoupled by default, θ ← θ·(1 − lr·λ) before the step. Every coordinate moves by exactly lr (or 0), so the paper
/// advises an lr 3–10× smaller and a λ 3–10× larger than for AdamW.
/// </summary>
[OptimizerInfo("Chen et al., \"Symbolic Discovery of Optimization Algorithms\" (NeurIPS 2023)", "hand-derived vectors (optimizer-specs §10)")]
public sealed class Lion : DescentOptimizer<Lion.Options>, IBetas
{
    /// <summary>Creates Lion (Chen et al. 2023) over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate: the size of every coordinate's step (default: 1e-4).</param>
    /// <param name="beta1">Interpolation β1 in [0, 1) between momentum and gradient for the step's sign (default: 0.9).</param>
    /// <param name="beta2">Momentum decay β2 in [0, 1) (default: 0.99).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: decoupled, scaled by lr, as in the paper).</param>
    public Lion(IEnumerable<Parameter> parameters, double lr = 1e-4, double beta1 = 0.9, double beta2 = 0.99,
        double weight_decay = 0, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, beta1, beta2, weight_decay, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates Lion (Chen et al. 2023) over parameter groups; the arguments are the defaults that groups inherit.</summary>
    /// <inheritdoc cref="Lion(IEnumerable{Parameter}, double, double, double, double, bool, WeightDecayMode)" />
    public Lion(IEnumerable<ParamGroup<Options>> groups, double lr = 1e-4, double beta1 = 0.9, double beta2 = 0.99,
        double weight_decay = 0, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(new Options {
            lr = lr, beta1 = beta1, beta2 = beta2, weight_decay = weight_decay, maximize = maximize,
            weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <inheritdoc />
    public override bool IsElementwise => true;

    /// <summary>The default (β1, β2) of Lion (Chen et al. 2023) (setting them sets every group's).</summary>
    public (double, double) Betas { get => DefaultBetas; set => DefaultBetas = value; }

    /// <summary>Creates the momentum <c>exp_avg</c> m = 0 of Lion (Chen et al. 2023).</summary>
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options) =>
        InitializeMomentum(state, parameter);

    /// <summary>Creates Lion's momentum <c>exp_avg</c> (zeros); shared with the optimizers that fall back to Lion.</summary>
    internal static void InitializeMomentum(ParameterState state, Parameter parameter) =>
        state.Set("exp_avg", zeros_like(parameter));

    /// <summary>One Lion step (Chen et al. 2023): θ ← θ − lr·sign(β1·m + (1 − β1)·g); m ← β2·m + (1 − β2)·g.</summary>
    protected override void Update(UpdateContext<Options> context) =>
        ApplyRule(context.Param, context.Grad, context.State, context.Options.beta1!.Value, context.Options.beta2!.Value,
            context.LearningRate, context.Scalars);

    /// <inheritdoc />
    protected override bool TryFusedUpdate(FusedUpdate<Options> update)
    {
        var momentum = update.State["exp_avg"];
        if (!FusedUpdate<Options>.Supports(momentum)) {
            return false;
        }
        var o = update.Options;
        var constants = new LionKernel.Constants(o.beta1!.Value, o.beta2!.Value, update.LearningRate, update.Prologue);
        update.Run(constants, momentum);
        return true;
    }

    /// <summary>
    /// Lion's rule on one tensor, written once (the matrix optimizers' Lion fallback runs it too):
    /// θ ← θ − lr·sign(β1·m + (1 − β1)·g), then m ← β2·m + (1 − β2)·g, with m in the state's <c>exp_avg</c>.
    /// </summary>
    internal static void ApplyRule(Tensor param, Tensor grad, ParameterState state, double beta1, double beta2, double lr, StepScalars s)
    {
        var expAvg = state["exp_avg"];
        var direction = expAvg.mul(s[beta1]).add_(grad, alpha: s[1 - beta1]).sign_();
        param.add_(direction, alpha: s[-lr]);
        expAvg.mul_(s[beta2]).add_(grad, alpha: s[1 - beta2]);
    }

    /// <summary>Lion's hyperparameters (Chen et al. 2023); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : BetaOptions
    {
    }
}
