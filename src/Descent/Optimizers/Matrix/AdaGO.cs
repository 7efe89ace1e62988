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
/// AdaGO (Zhang, Liu &amp; Schaeffer, "AdaGrad Meets Muon: Adaptive Stepsizes for Orthogonal Updates", 2025), as in
/// optax.contrib's <c>adago</c> (optimizer-specs §19): Muon's orthogonalized momentum scaled by a norm-based AdaGrad
/// step size, with one extra scalar per matrix. With c = min(‖G‖_F, γ):
/// μ ← β·μ + (1 − β)·G; μ̂ = μ/(1 − βᵗ) (Nesterov: β·μ/(1 − βᵗ⁺¹) + (1 − β)·G/(1 − βᵗ)); O = NS(μ̂);
/// v² ← v² + c² (v₀² = <c>initial_accumulator_value</c>²); η_t = max(<c>min_step_size</c>, lr·c/v);
/// θ ← θ − η_t·s(rows, cols)·O. Newton–Schulz is optax's: Keller's quintic ×5, Frobenius pre-normalization with
/// ε = 1e-8, in fp32 (not bf16). Weight decay is decoupled with the plain lr, θ·(1 − lr·λ) on the pre-update θ (optax's
/// chain adds λ·θ before scaling by lr). η_t stays a 0-d tensor, so a step needs no host synchronisation.
/// <para>
/// The norm form follows the paper, which optax reproduces: the accumulator holds the sum of the squared
/// <em>clipped</em> norms of the raw gradient (not of the momentum), and the step divides by its square root
/// v = √(v₀² + Σ min(‖G‖, γ)²). One port differs (optimizer-libraries §3.4): pytorch_optimizer's AdaGO divides the
/// step by the accumulator of squared norms itself, with no square root, starts it at 1e-6 instead of v₀², and with
/// Nesterov measures ‖G‖ after overwriting the gradient with the Nesterov blend. Dividing by Σ c² instead of √Σ c²
/// makes the step decay like 1/t rather than AdaGrad-Norm's 1/√t, which is not the paper's algorithm.
/// </para>
/// <para>
/// optax's step with lr = 0 is 0 (its floor is applied before multiplying by lr); this class matches that. Since
/// v ≥ c, η_t ≤ lr whenever lr ≥ <c>min_step_size</c>, so the effective rate that <see cref="MatrixOptimizer{TOptions}.Plan"/>
/// prints, lr·s, is the largest step a matrix can take. The
/// shape scale s defaults to √max(1, rows/cols) on TorchSharp's (out, in) layout (optax's JAX (in, out) layout takes
/// fan_out from axis 1). Non-matrix parameters get the AdamW fallback with optax's (β1, β2, ε) = (0.9, 0.999, 1e-8) and,
/// unless <c>fallback_lr</c> is given, AdaGO's own lr, as optax does; they inherit the group's weight decay (optax's
/// <c>adam_weight_decay</c> defaults to 0, as does this class's <c>weight_decay</c>).
/// </para>
/// </summary>
[OptimizerInfo("Zhang, Liu & Schaeffer, \"AdaGrad Meets Muon: Adaptive Stepsizes for Orthogonal Updates\" (2025)",
    "hand vectors (optimizer-specs §19: η₁ = lr/√2, η₂ = lr/√3; direction = fp64 Newton–Schulz of the bias-corrected momentum)")]
public sealed class AdaGO : MatrixOptimizer<AdaGO.Options>
{
    /// <summary>Creates AdaGO over a parameter list, routed by shape (matrices to AdaGO, the rest to the fallback).</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Base learning rate η (optax's <c>adago</c> requires one and documents no default; 0.01 here).</param>
    /// <param name="momentum">Momentum β in [0, 1) (default: 0.95).</param>
    /// <param name="nesterov">Use optax's bias-corrected Nesterov momentum (default: false).</param>
    /// <param name="weight_decay">Decoupled weight decay λ ≥ 0, scaled by the plain lr (default: 0).</param>
    /// <param name="gamma">Clipping threshold γ in (0, ∞] for the gradient norm (default: 1).</param>
    /// <param name="min_step_size">Lower bound ε ≥ 0 on the step size η_t (the paper's ε; default: 1e-6).</param>
    /// <param name="initial_accumulator_value">v₀ &gt; 0; the accumulator starts at v₀² (default: 1).</param>
    /// <param name="shape_scale">The factor s for the matrix shape (default: √max(1, rows/cols)).</param>
    /// <param name="ns_coefficients">Newton–Schulz coefficients (default: Keller's quintic).</param>
    /// <param name="ns_steps">Newton–Schulz iterations; 0 for the set's own count (default: 5).</param>
    /// <param name="ns_normalization">Newton–Schulz pre-normalization (default: Frobenius).</param>
    /// <param name="ns_dtype">Newton–Schulz compute dtype: BFloat16, Float32 or Float64 (default: Float32, as optax).</param>
    /// <param name="ns_eps">ε of the pre-normalization (default: 1e-8, optax's <c>orthogonalization_eps</c>).</param>
    /// <param name="fallback">The rule of non-matrix parameters: AdamW or Lion (default: AdamW).</param>
    /// <param name="fallback_lr">Learning rate of fallback groups that set none (default: null, AdaGO's lr, as optax).</param>
    /// <param name="beta1">β1 of the fallback (default: 0.9).</param>
    /// <param name="beta2">β2 of the fallback (default: 0.999).</param>
    /// <param name="eps">ε of the AdamW fallback (default: 1e-8).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: decoupled).</param>
    public AdaGO(IEnumerable<Parameter> parameters, double lr = 0.01, double momentum = 0.95, bool nesterov = false,
        double weight_decay = 0, double gamma = 1.0, double min_step_size = 1e-6, double initial_accumulator_value = 1.0,
        ShapeScale shape_scale = ShapeScale.Original, CoefficientSet ns_coefficients = CoefficientSet.KellerQuintic,
        int ns_steps = 5, PreNormalization ns_normalization = PreNormalization.Frobenius,
        ScalarType ns_dtype = ScalarType.Float32, double ns_eps = 1e-8, UpdateRule fallback = UpdateRule.AdamW,
        double? fallback_lr = null, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : this(RouteByShape(parameters), lr, momentum, nesterov, weight_decay, gamma, min_step_size,
            initial_accumulator_value, shape_scale, ns_coefficients, ns_steps, ns_normalization, ns_dtype, ns_eps,
            fallback, fallback_lr, beta1, beta2, eps, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates AdaGO over parameter groups (for instance from <c>ParameterRouter</c>); the arguments are the defaults groups inherit.</summary>
    /// <inheritdoc cref="AdaGO(IEnumerable{Parameter}, double, double, bool, double, double, double, double, ShapeScale, CoefficientSet, int, PreNormalization, ScalarType, double, UpdateRule, double?, double, double, double, bool, WeightDecayMode)" />
    public AdaGO(IEnumerable<ParamGroup<Options>> groups, double lr = 0.01, double momentum = 0.95, bool nesterov = false,
        double weight_decay = 0, double gamma = 1.0, double min_step_size = 1e-6, double initial_accumulator_value = 1.0,
        ShapeScale shape_scale = ShapeScale.Original, CoefficientSet ns_coefficients = CoefficientSet.KellerQuintic,
        int ns_steps = 5, PreNormalization ns_normalization = PreNormalization.Frobenius,
        ScalarType ns_dtype = ScalarType.Float32, double ns_eps = 1e-8, UpdateRule fallback = UpdateRule.AdamW,
        double? fallback_lr = null, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(new Options {
            lr = lr, momentum = momentum, nesterov = nesterov, weight_decay = weight_decay, gamma = gamma,
            min_step_size = min_step_size, initial_accumulator_value = initial_accumulator_value,
            shape_scale = shape_scale, ns_coefficients = ns_coefficients, ns_steps = ns_steps,
            ns_normalization = ns_normalization, ns_dtype = ns_dtype, ns_eps = ns_eps, rule = UpdateRule.Matrix,
            fallback = fallback, fallback_lr = fallback_lr, beta1 = beta1, beta2 = beta2, eps = eps, maximize = maximize,
            weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <summary>
    /// Creates AdaGO's state (Zhang et al. 2025): the momentum <c>momentum_buffer</c> = 0 and the accumulator
    /// <c>v_sq</c> = v₀², a 0-d tensor so that the step size never leaves the device.
    /// </summary>
    protected override void InitializeMatrixState(ParameterState state, Parameter parameter, Options options)
    {
        state.Set("momentum_buffer", zeros_like(parameter));
        var v0 = options.initial_accumulator_value!.Value;
        state.Set("v_sq", tensor(v0 * v0, parameter.dtype, parameter.device));
    }

    /// <summary>
    /// AdaGO's direction (Zhang et al. 2025) is Newton–Schulz of the bias-corrected (Nesterov) EMA momentum, split
    /// there so that matrices of one shape are orthogonalized together; the step size comes after, in
    /// <see cref="ApplyDirection"/>.
    /// </summary>
    protected override bool SplitsAtOrthogonalization => true;

    /// <summary>The EMA momentum step and its bias correction (optax's Nesterov form when <c>nesterov</c>).</summary>
    protected override Tensor OrthogonalizationInput(UpdateContext<Options> context, Tensor gradient)
    {
        var o = context.Options;
        var scalars = context.Scalars;
        var beta = o.momentum!.Value;
        var t = context.Step;
        var buffer = AsMatrix(context.State["momentum_buffer"]);
        var momentum = EmaMomentum(buffer, gradient, beta, nesterov: false, scalars);
        var corrected = o.nesterov!.Value
            ? gradient.mul(scalars[(1 - beta) / (1 - Math.Pow(beta, t))])
                .add_(momentum, alpha: scalars[beta / (1 - Math.Pow(beta, t + 1))])
            : momentum.mul(scalars[1 / (1 - Math.Pow(beta, t))]);
        return corrected;
    }

    /// <summary>The group's Newton–Schulz (its <c>ns_*</c> options).</summary>
    protected override NewtonSchulz Orthogonalizer(UpdateContext<Options> context, Tensor input) =>
        context.Options.Orthogonalizer();

    /// <summary>
    /// AdaGO's step (Zhang et al. 2025): v² ← v² + min(‖G‖_F, γ)², then θ ← θ − η_t·s·O with
    /// η_t = max(min_step_size, lr·min(‖G‖_F, γ)/v), computed as a 0-d tensor.
    /// </summary>
    protected override void ApplyDirection(UpdateContext<Options> context, Tensor direction, long rows, long cols)
    {
        var o = context.Options;
        var scalars = context.Scalars;
        var accumulator = context.State["v_sq"];
        var clipped = context.Grad.norm().clamp_max(scalars[o.gamma!.Value]);
        accumulator.add_(clipped.square());
        var lr = context.LearningRate;
        if (lr == 0) {
            return;
        }
        var stepSize = clipped.mul(scalars[lr]).div_(accumulator.to(clipped.dtype).sqrt())
            .clamp_min_(scalars[o.min_step_size!.Value]);
        var scale = o.shape_scale!.Value.Factor(rows, cols);
        context.Param.addcmul_(direction.reshape(context.Param.shape), stepSize, value: scalars[-scale]);
    }

    /// <summary>AdaGO's hyperparameters (Zhang et al. 2025); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : OrthogonalizedOptions
    {
        /// <summary>Clipping threshold γ in (0, ∞] for the gradient norm that enters the accumulator and the step.</summary>
        public double? gamma { get; set; }

        /// <summary>Lower bound ε ≥ 0 on the step size η_t.</summary>
        public double? min_step_size { get; set; }

        /// <summary>v₀ &gt; 0: the accumulator of squared clipped norms starts at v₀² (read when the state is created).</summary>
        public double? initial_accumulator_value { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(gamma), gamma, (n, v) => Hyperparameter.InRange(n, v, 0, double.PositiveInfinity, false, true));
            Check(nameof(min_step_size), min_step_size, Hyperparameter.NonNegative);
            Check(nameof(initial_accumulator_value), initial_accumulator_value, Hyperparameter.Positive);
        }
    }
}
