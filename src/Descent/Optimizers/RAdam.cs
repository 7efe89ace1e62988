using System;
using System.Collections.Generic;
using Descent.Core;
using Descent.Fused;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// RAdam, rectified Adam (Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020), with
/// torch.optim.RAdam's semantics (optimizer-specs §7): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², m̂ = m/(1−β1ᵗ),
/// ρ∞ = 2/(1−β2) − 1, ρ_t = ρ∞ − 2t·β2ᵗ/(1−β2ᵗ). While ρ_t ≤ 5 the step is un-adapted momentum SGD θ ← θ − lr·m̂;
/// afterwards θ ← θ − lr·m̂·r_t·l_t with r_t = √((ρ_t−4)(ρ_t−2)ρ∞/((ρ∞−4)(ρ∞−2)ρ_t)) and
/// l_t = √(1−β2ᵗ)/(√v + ε). Unlike TorchSharp's own RAdam, lr multiplies the rectified step once (optimizer-specs
/// §0.3). torch's <c>decoupled_weight_decay=True</c> is <c>weight_decay_mode: WeightDecayMode.Decoupled</c>.
/// </summary>
[OptimizerInfo("Liu et al., \"On the Variance of the Adaptive Learning Rate and Beyond\" (ICLR 2020)", "torch.optim.RAdam (PyTorch 1.13) golden trajectories; hand vectors")]
public sealed class RAdam : DescentOptimizer<RAdam.Options>, IBetas, IDiagonalPreconditioner
{
    /// <summary>Creates RAdam (Liu et al. 2020) over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default: 1e-3).</param>
    /// <param name="beta1">First-moment decay β1 in [0, 1) (default: 0.9).</param>
    /// <param name="beta2">Second-moment decay β2 in [0, 1) (default: 0.999).</param>
    /// <param name="eps">ε &gt; 0 added to √v in the adaptive term (default: 1e-8).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: coupled L2; <see cref="WeightDecayMode.Decoupled"/> is torch's <c>decoupled_weight_decay=True</c>).</param>
    public RAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 0, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, beta1, beta2, eps, weight_decay, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates RAdam (Liu et al. 2020) over parameter groups; the arguments are the defaults that groups inherit.</summary>
    /// <inheritdoc cref="RAdam(IEnumerable{Parameter}, double, double, double, double, double, bool, WeightDecayMode)" />
    public RAdam(IEnumerable<ParamGroup<Options>> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
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

    /// <summary>Creates <c>exp_avg</c> and <c>exp_avg_sq</c>, both zero (Liu et al. 2020, Algorithm 2).</summary>
    /// <inheritdoc />
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        state.Set("exp_avg", zeros_like(parameter));
        state.Set("exp_avg_sq", zeros_like(parameter));
    }

    /// <summary>One RAdam step (Liu et al. 2020, Algorithm 2), in torch.optim.RAdam's operation order.</summary>
    /// <inheritdoc />
    protected override void Update(UpdateContext<Options> context)
    {
        var o = context.Options;
        var s = context.Scalars;
        var (beta1, beta2) = (o.beta1!.Value, o.beta2!.Value);
        var lr = context.LearningRate;
        var step = (double)context.Step;
        var biasCorrection1 = 1 - Math.Pow(beta1, step);
        var biasCorrection2 = 1 - Math.Pow(beta2, step);

        var expAvg = context.State["exp_avg"];
        var expAvgSq = context.State["exp_avg_sq"];
        expAvg.mul_(s[beta1]).add_(context.Grad, alpha: s[1 - beta1]);
        expAvgSq.mul_(s[beta2]).addcmul_(context.Grad, context.Grad, value: s[1 - beta2]);

        var biasCorrectedExpAvg = expAvg.div(s[biasCorrection1]);
        var rhoInf = (2 / (1 - beta2)) - 1;
        var rhoT = rhoInf - (2 * step * Math.Pow(beta2, step) / biasCorrection2);

        if (rhoT > 5.0) {
            var rect = Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            // torch evaluates √(1−β2ᵗ)/(√v + ε) as a reciprocal times the scalar.
            var adaptiveLr = expAvgSq.sqrt().add_(s[o.eps!.Value]).reciprocal_().mul_(s[Math.Sqrt(biasCorrection2)]);
            context.Param.add_(biasCorrectedExpAvg.mul_(s[lr]).mul_(adaptiveLr).mul_(s[rect]), alpha: s[-1.0]);
        } else {
            context.Param.add_(biasCorrectedExpAvg.mul_(s[lr]), alpha: s[-1.0]);
        }
    }

    /// <inheritdoc />
    protected override bool TryFusedUpdate(FusedUpdate<Options> update)
    {
        var (first, second) = (update.State["exp_avg"], update.State["exp_avg_sq"]);
        if (!FusedUpdate<Options>.Supports(first, second)) {
            return false;
        }
        var o = update.Options;
        var (beta1, beta2) = (o.beta1!.Value, o.beta2!.Value);
        var step = (double)update.Step;
        var biasCorrection1 = 1 - Math.Pow(beta1, step);
        var biasCorrection2 = 1 - Math.Pow(beta2, step);
        // The branch depends on the step only, so it is decided here, as the tensor rule decides it.
        var rhoInf = (2 / (1 - beta2)) - 1;
        var rhoT = rhoInf - (2 * step * Math.Pow(beta2, step) / biasCorrection2);
        double? rect = rhoT > 5.0 ? Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : null;
        var constants = new RadamKernel.Constants(beta1, beta2, o.eps!.Value, update.LearningRate, biasCorrection1,
            biasCorrection2, rect, update.Prologue);
        update.Run(constants, first, second);
        return true;
    }

    /// <summary>
    /// RAdam's preconditioner in Cohen et al.'s (2022) convention, so that the last step was θ ← θ − lr·P⁻¹·m
    /// (<see cref="IDiagonalPreconditioner"/>): P = (1 − β1ᵗ)·(√v + ε)/(r_t·√(1 − β2ᵗ)) once ρ_t &gt; 5 (r_t the
    /// rectification, → 1, so P tends to Adam's), and P = (1 − β1ᵗ)·I during the un-adapted warm-up (ρ_t ≤ 5), when the
    /// step is momentum SGD. Threshold as Adam's, (2 + 2β1)/((1 − β1)·lr).
    /// </summary>
    /// <inheritdoc />
    public Tensor PreconditionerDiagonal(Parameter parameter)
    {
        var (o, state) = PreconditionerInputs.Of<Options>(this, parameter);
        var (beta1, beta2, step) = (o.beta1!.Value, o.beta2!.Value, (double)state.Step);
        var biasCorrection1 = 1 - Math.Pow(beta1, step);
        var biasCorrection2 = 1 - Math.Pow(beta2, step);
        var rhoInf = (2 / (1 - beta2)) - 1;
        var rhoT = rhoInf - (2 * step * Math.Pow(beta2, step) / biasCorrection2);
        using var s = new StepScalars();
        var expAvgSq = state["exp_avg_sq"];
        if (rhoT <= 5.0) {
            return full_like(expAvgSq, s[biasCorrection1]);
        }
        var rect = Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        return expAvgSq.sqrt().add_(s[o.eps!.Value]).mul_(s[biasCorrection1 / (rect * Math.Sqrt(biasCorrection2))]);
    }

    /// <summary>RAdam's hyperparameters (Liu et al. 2020); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : AdaptiveOptions
    {
    }
}
