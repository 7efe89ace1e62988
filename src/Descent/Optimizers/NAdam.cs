using System;
using System.Collections.Generic;
using Descent.Core;
using Descent.Fused;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// NAdam, Adam with Nesterov momentum (Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop),
/// with current torch.optim.NAdam's semantics (optimizer-specs §6): with the momentum schedule
/// μ_t = β1·(1 − ½·0.96^(t·ψ)) and Π ← Π·μ_t, m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
/// d = √(v/(1−β2ᵗ)) + ε, θ ← θ − lr·(1−μ_t)/(1−Π)·g/d − lr·μ_{t+1}/(1−Π·μ_{t+1})·m/d.
/// PyTorch 1.13 divides the second term by 1 − Π·μ_t·μ_{t+1} instead; Descent follows current torch.
/// Π (<c>mu_product</c>) is kept as a double. torch's <c>decoupled_weight_decay=True</c> is
/// <c>weight_decay_mode: WeightDecayMode.Decoupled</c>.
/// </summary>
[OptimizerInfo("Dozat, \"Incorporating Nesterov Momentum into Adam\" (ICLR 2016 workshop)", "current torch.optim.NAdam formula (optimizer-specs §6) by hand vectors; PyTorch 1.13 uses an older formula")]
public sealed class NAdam : DescentOptimizer<NAdam.Options>, IBetas, IDiagonalPreconditioner
{
    /// <summary>Creates NAdam (Dozat 2016) over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default: 2e-3).</param>
    /// <param name="beta1">First-moment decay β1 in [0, 1) (default: 0.9).</param>
    /// <param name="beta2">Second-moment decay β2 in [0, 1) (default: 0.999).</param>
    /// <param name="eps">ε &gt; 0 added to the denominator (default: 1e-8).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="momentum_decay">Momentum decay ψ ≥ 0 of the schedule μ_t = β1·(1 − ½·0.96^(t·ψ)) (default: 4e-3).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: coupled L2; <see cref="WeightDecayMode.Decoupled"/> is torch's <c>decoupled_weight_decay=True</c>).</param>
    public NAdam(IEnumerable<Parameter> parameters, double lr = 2e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 0, double momentum_decay = 4e-3, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, beta1, beta2, eps, weight_decay, momentum_decay, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates NAdam (Dozat 2016) over parameter groups; the arguments are the defaults that groups inherit.</summary>
    /// <inheritdoc cref="NAdam(IEnumerable{Parameter}, double, double, double, double, double, double, bool, WeightDecayMode)" />
    public NAdam(IEnumerable<ParamGroup<Options>> groups, double lr = 2e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 0, double momentum_decay = 4e-3, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : base(new Options {
            lr = lr, beta1 = beta1, beta2 = beta2, eps = eps, weight_decay = weight_decay, momentum_decay = momentum_decay,
            maximize = maximize, weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <inheritdoc />
    public override bool IsElementwise => true;

    /// <summary>The default (β1, β2) (setting them sets every group's).</summary>
    public (double, double) Betas { get => DefaultBetas; set => DefaultBetas = value; }

    /// <summary>Creates <c>exp_avg</c> and <c>exp_avg_sq</c> (zero) and the scalar <c>mu_product</c> Π = 1 (Dozat 2016).</summary>
    /// <inheritdoc />
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        state.SetScalar("mu_product", 1.0);
        state.Set("exp_avg", zeros_like(parameter));
        state.Set("exp_avg_sq", zeros_like(parameter));
    }

    /// <summary>One NAdam step (Dozat 2016, Algorithm 2 with torch's momentum schedule), in current torch.optim.NAdam's operation order.</summary>
    /// <inheritdoc />
    protected override void Update(UpdateContext<Options> context)
    {
        var o = context.Options;
        var s = context.Scalars;
        var (beta1, beta2) = (o.beta1!.Value, o.beta2!.Value);
        var psi = o.momentum_decay!.Value;
        var lr = context.LearningRate;
        var step = (double)context.Step;
        var biasCorrection2 = 1 - Math.Pow(beta2, step);

        var mu = beta1 * (1.0 - (0.5 * Math.Pow(0.96, step * psi)));
        var muNext = beta1 * (1.0 - (0.5 * Math.Pow(0.96, (step + 1) * psi)));
        var muProduct = context.State.Scalar("mu_product") * mu;
        context.State.SetScalar("mu_product", muProduct);

        var expAvg = context.State["exp_avg"];
        var expAvgSq = context.State["exp_avg_sq"];
        expAvg.mul_(s[beta1]).add_(context.Grad, alpha: s[1 - beta1]);
        expAvgSq.mul_(s[beta2]).addcmul_(context.Grad, context.Grad, value: s[1 - beta2]);

        var denom = expAvgSq.div(s[biasCorrection2]).sqrt().add_(s[o.eps!.Value]);
        var muProductNext = muProduct * muNext;
        context.Param.addcdiv_(context.Grad, denom, value: s[-lr * (1.0 - mu) / (1.0 - muProduct)]);
        context.Param.addcdiv_(expAvg, denom, value: s[-lr * muNext / (1.0 - muProductNext)]);
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
        var psi = o.momentum_decay!.Value;
        var lr = update.LearningRate;
        var step = (double)update.Step;
        // The schedule's scalars, Π included, exactly as the tensor rule computes and stores them.
        var mu = beta1 * (1.0 - (0.5 * Math.Pow(0.96, step * psi)));
        var muNext = beta1 * (1.0 - (0.5 * Math.Pow(0.96, (step + 1) * psi)));
        var muProduct = update.State.Scalar("mu_product") * mu;
        update.State.SetScalar("mu_product", muProduct);
        var muProductNext = muProduct * muNext;
        var constants = new NadamKernel.Constants(beta1, beta2, o.eps!.Value, 1 - Math.Pow(beta2, step),
            -lr * (1.0 - mu) / (1.0 - muProduct), -lr * muNext / (1.0 - muProductNext), update.Prologue);
        update.Run(constants, first, second);
        return true;
    }

    /// <summary>
    /// NAdam's preconditioner: P = √(v/(1 − β2ᵗ)) + ε, the diagonal both terms of the step divide by. Unlike Adam's, the
    /// step is not θ ← θ − lr·P⁻¹·m: it is θ ← θ − lr·P⁻¹·(c_g·g + c_m·m) with the momentum schedule's coefficients
    /// c_g = (1 − μ_t)/(1 − Π_t) and c_m = μ_{t+1}/(1 − Π_t·μ_{t+1}), which belong to the base Nesterov rule, not to P
    /// (<see cref="IDiagonalPreconditioner"/>). So λmax(P⁻¹H) is the curvature NAdam's linear stability depends on,
    /// but its threshold is that of Nesterov momentum with a slowly varying coefficient, not Adam's 38/lr.
    /// </summary>
    /// <inheritdoc />
    public Tensor PreconditionerDiagonal(Parameter parameter)
    {
        var (o, state) = PreconditionerInputs.Of<Options>(this, parameter);
        using var s = new StepScalars();
        var biasCorrection2 = 1 - Math.Pow(o.beta2!.Value, state.Step);
        return state["exp_avg_sq"].div(s[biasCorrection2]).sqrt_().add_(s[o.eps!.Value]);
    }

    /// <summary>NAdam's hyperparameters (Dozat 2016); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : AdaptiveOptions
    {
        /// <summary>Momentum decay ψ of the schedule μ_t = β1·(1 − ½·0.96^(t·ψ)).</summary>
        public double? momentum_decay { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(momentum_decay), momentum_decay, Hyperparameter.NonNegative);
        }
    }
}
