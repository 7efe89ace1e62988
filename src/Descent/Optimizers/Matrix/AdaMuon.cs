using System;
using System.Collections.Generic;
using Descent.Core;
using Descent.Orthogonalization;
using Descent.Routing;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// AdaMuon (Si, Zhang &amp; Shen, "AdaMuon: Adaptive Muon Optimizer", arXiv 2507.11005, 2025; optimizer-specs §18):
/// Muon's momentum U, then O = NS5(sign(U)) (sign-stabilized orthogonalization); an element-wise second moment
/// v ← μ·v + (1 − μ)·O² (the momentum μ doubles as β₂; no bias correction, which the rescale below cancels anyway);
/// Ô = O/(√v + ε); and Ô ← Ô·0.2·√(rows·cols)/(‖Ô‖_F + ε), an update of RMS 0.2 like AdamW's, so the learning rate
/// transfers from AdamW; θ ← θ − lr·s(rows, cols)·Ô with the shape scale s = 1 by default (the RMS rescale replaces
/// it; a <see cref="ShapeScale"/> other than None still multiplies the lr, for users who want one). rows·cols is the
/// flattened matrix view, i.e. numel for a convolution kernel. Weight decay is decoupled with the unscaled lr;
/// non-matrix parameters get the AdamW (or Lion) fallback. The reference casts Ô to bf16 for its all-gather; we keep
/// the working dtype.
/// </summary>
[OptimizerInfo("Si, Zhang & Shen, \"AdaMuon: Adaptive Muon Optimizer\" (arXiv 2507.11005, 2025)",
    "hand vectors (optimizer-specs §18): diag(3, 4) gives 0.2·√3 = 0.3464102 at its nonzeros, independent of Newton–Schulz's gain")]
public sealed class AdaMuon : OrthogonalizedOptimizer<AdaMuon.Options>
{
    private const string SecondMoment = "exp_avg_sq";
    private const double TargetRms = 0.2;

    /// <summary>Creates AdaMuon over a parameter list, routed by shape (matrices to AdaMuon, the rest to the fallback).</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate of the matrix rule (default: 0.02).</param>
    /// <param name="momentum">Momentum μ in [0, 1), also the second moment's decay (default: 0.95).</param>
    /// <param name="nesterov">Use Nesterov momentum (default: true).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0.01).</param>
    /// <param name="adamuon_eps">ε &gt; 0 of the second-moment division and of the RMS rescale (default: 1e-8).</param>
    /// <param name="shape_scale">The learning-rate factor for the matrix shape (default: none; the rescale sets the RMS).</param>
    /// <param name="ns_coefficients">Newton–Schulz coefficients (default: Keller's quintic).</param>
    /// <param name="ns_steps">Newton–Schulz iterations; 0 for the set's own count (default: 5).</param>
    /// <param name="ns_normalization">Newton–Schulz pre-normalization (default: Frobenius).</param>
    /// <param name="ns_dtype">Newton–Schulz compute dtype: BFloat16, Float32 or Float64 (default: BFloat16).</param>
    /// <param name="ns_eps">ε of the pre-normalization (default: 1e-7).</param>
    /// <param name="fallback">The rule of non-matrix parameters: AdamW or Lion (default: AdamW).</param>
    /// <param name="fallback_lr">Learning rate of fallback groups that set none (default: 3e-4).</param>
    /// <param name="beta1">β1 of the fallback (default: 0.9).</param>
    /// <param name="beta2">β2 of the fallback (default: 0.95).</param>
    /// <param name="eps">ε of the AdamW fallback (default: 1e-10); AdaMuon's own is <paramref name="adamuon_eps"/>.</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: decoupled).</param>
    public AdaMuon(IEnumerable<Parameter> parameters, double lr = 0.02, double momentum = 0.95, bool nesterov = true,
        double weight_decay = 0.01, double adamuon_eps = 1e-8, ShapeScale shape_scale = ShapeScale.None,
        CoefficientSet ns_coefficients = CoefficientSet.KellerQuintic, int ns_steps = 5,
        PreNormalization ns_normalization = PreNormalization.Frobenius, ScalarType ns_dtype = ScalarType.BFloat16,
        double ns_eps = 1e-7, UpdateRule fallback = UpdateRule.AdamW, double fallback_lr = 3e-4, double beta1 = 0.9,
        double beta2 = 0.95, double eps = 1e-10, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : this(RouteByShape(parameters), lr, momentum, nesterov, weight_decay, adamuon_eps, shape_scale, ns_coefficients,
            ns_steps, ns_normalization, ns_dtype, ns_eps, fallback, fallback_lr, beta1, beta2, eps, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates AdaMuon over parameter groups (for instance from <c>ParameterRouter</c>); the arguments are the defaults groups inherit.</summary>
    /// <inheritdoc cref="AdaMuon(IEnumerable{Parameter}, double, double, bool, double, double, ShapeScale, CoefficientSet, int, PreNormalization, ScalarType, double, UpdateRule, double, double, double, double, bool, WeightDecayMode)" />
    public AdaMuon(IEnumerable<ParamGroup<Options>> groups, double lr = 0.02, double momentum = 0.95, bool nesterov = true,
        double weight_decay = 0.01, double adamuon_eps = 1e-8, ShapeScale shape_scale = ShapeScale.None,
        CoefficientSet ns_coefficients = CoefficientSet.KellerQuintic, int ns_steps = 5,
        PreNormalization ns_normalization = PreNormalization.Frobenius, ScalarType ns_dtype = ScalarType.BFloat16,
        double ns_eps = 1e-7, UpdateRule fallback = UpdateRule.AdamW, double fallback_lr = 3e-4, double beta1 = 0.9,
        double beta2 = 0.95, double eps = 1e-10, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(new Options {
            lr = lr, momentum = momentum, nesterov = nesterov, weight_decay = weight_decay, adamuon_eps = adamuon_eps,
            shape_scale = shape_scale, ns_coefficients = ns_coefficients, ns_steps = ns_steps,
            ns_normalization = ns_normalization, ns_dtype = ns_dtype, ns_eps = ns_eps, rule = UpdateRule.Matrix,
            fallback = fallback, fallback_lr = fallback_lr, beta1 = beta1, beta2 = beta2, eps = eps, maximize = maximize,
            weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <summary>Creates <c>momentum_buffer</c> = 0 and the element-wise second moment <c>exp_avg_sq</c> = 0.</summary>
    protected override void InitializeMatrixState(ParameterState state, Parameter parameter, Options options)
    {
        base.InitializeMatrixState(state, parameter, options);
        state.Set(SecondMoment, zeros_like(parameter));
    }

    /// <summary>AdaMuon orthogonalizes sign(U), not U (Si et al. 2025).</summary>
    protected override Tensor NewtonSchulzInput(Tensor momentum) => momentum.sign();

    /// <summary>NS5(sign(U)) divided element-wise by its running RMS, then rescaled to RMS 0.2 (Si et al. 2025).</summary>
    protected override Tensor AfterOrthogonalization(UpdateContext<Options> context, Tensor gradient, Tensor orthogonalized)
    {
        var o = context.Options;
        var scalars = context.Scalars;
        var mu = o.momentum!.Value;
        var epsilon = o.adamuon_eps!.Value;
        var secondMoment = AsMatrix(context.State[SecondMoment]);
        secondMoment.mul_(scalars[mu]).addcmul_(orthogonalized, orthogonalized, value: scalars[1 - mu]);
        var adapted = orthogonalized.div(secondMoment.sqrt().add_(scalars[epsilon]));
        var (rows, cols) = (gradient.size(0), gradient.size(1));
        return FrobeniusRescale.ToNorm(adapted, TargetRms * Math.Sqrt(rows * cols), epsilon, scalars);
    }

    /// <summary>AdaMuon's hyperparameters (Si et al. 2025); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : OrthogonalizedOptions
    {
        /// <summary>
        /// ε &gt; 0 of AdaMuon's second-moment division and RMS rescale (the reference's <c>eps</c>; named apart from
        /// <see cref="MatrixOptions.eps"/>, which belongs to the AdamW fallback).
        /// </summary>
        public double? adamuon_eps { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(adamuon_eps), adamuon_eps, Hyperparameter.Positive);
        }
    }
}
