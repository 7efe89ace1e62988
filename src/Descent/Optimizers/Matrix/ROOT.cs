using System;
using System.Collections.Generic;
using Descent.Core;
using Descent.Orthogonalization;
using Descent.Routing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// ROOT, the Robust Orthogonalized Optimizer (He et al., "ROOT: Robust Orthogonalized Optimizer for Neural Network
/// Training", 2025), as in the authors' example training script (optimizer-specs §22):
/// M ← μ·M + G (SGD form, no dampening); U = G + μ·M with Nesterov, else M; ε_t = quantile₀.₉(|U|) + 1e-9 (linear
/// interpolation between order statistics); B = clamp(U, −ε_t, ε_t) — the proximal (soft-threshold) step that
/// discards the outliers U − B; X = NS(B) with ROOT's shape-keyed coefficients (<see cref="RootCoefficients"/>),
/// Frobenius pre-normalization with ε = 1e-7, 5 iterations, in the input's dtype; θ ← θ − lr·s·X with Moonlight's
/// s = 0.2·√max(rows, cols). Weight decay is decoupled with the plain lr, θ·(1 − lr·λ).
/// <para>
/// The quantile is exact, by selection over the flattened |U| (torch's <c>quantile</c> refuses more than 2²⁴ elements;
/// see <see cref="Quantile"/>), and the interpolation weight is computed in double precision (the reference makes it a float32
/// tensor, so its 0.9·9 = 8.1 becomes 8.1000004). Shapes, the coefficient lookup and s use the matrix view (convolution
/// kernels flattened to (out, in·kh·kw)); the reference accepts only 2-D weights.
/// </para>
/// <para>
/// Deviation: non-matrix parameters get this library's AdamW fallback, which puts ε where torch does,
/// m̂/(√v̂ + ε); the reference's internal AdamW uses the Hugging Face placement, lr·√(1 − β2ᵗ)/(1 − β1ᵗ)·m/(√v + ε).
/// As in the reference, the fallback takes ROOT's lr (unless <c>fallback_lr</c> is given) and its weight decay.
/// </para>
/// </summary>
[OptimizerInfo("He et al., \"ROOT: Robust Orthogonalized Optimizer for Neural Network Training\" (2025)",
    "hand vectors (optimizer-specs §22: the quantile of U = [1..10], the coefficient table, a full first step in fp64)")]
public sealed class ROOT : MatrixOptimizer<ROOT.Options>
{
    /// <summary>The quantile of |U| that marks outliers.</summary>
    public const double OutlierQuantile = 0.9;

    /// <summary>Added to the quantile so that the threshold is positive.</summary>
    public const double ThresholdOffset = 1e-9;

    /// <summary>ε of ROOT's Frobenius pre-normalization.</summary>
    public const double NormalizationEpsilon = 1e-7;

    /// <summary>Creates ROOT over a parameter list, routed by shape (matrices to ROOT, the rest to the fallback).</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default: 1e-3).</param>
    /// <param name="momentum">Momentum μ in [0, 1) (default: 0.95).</param>
    /// <param name="nesterov">Use Nesterov momentum (default: true).</param>
    /// <param name="weight_decay">Decoupled weight decay λ ≥ 0, scaled by the plain lr (default: 0.1).</param>
    /// <param name="shape_scale">The learning-rate factor s for the matrix shape (default: 0.2·√max(rows, cols)).</param>
    /// <param name="ns_steps">Newton–Schulz iterations ≥ 1 (the reference's <c>root_steps</c>; default: 5).</param>
    /// <param name="ns_dtype">
    /// Newton–Schulz compute dtype: BFloat16, Float32 or Float64; null (the default) iterates in the dtype of the
    /// update, as the reference does (fp32 for fp32 and 16-bit parameters, whose update runs in fp32 state).
    /// </param>
    /// <param name="fallback">The rule of non-matrix parameters: AdamW or Lion (default: AdamW).</param>
    /// <param name="fallback_lr">Learning rate of fallback groups that set none (default: null, ROOT's lr, as the reference).</param>
    /// <param name="beta1">β1 of the fallback (default: 0.9).</param>
    /// <param name="beta2">β2 of the fallback (default: 0.95).</param>
    /// <param name="eps">ε of the AdamW fallback (default: 1e-8).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: decoupled).</param>
    public ROOT(IEnumerable<Parameter> parameters, double lr = 1e-3, double momentum = 0.95, bool nesterov = true,
        double weight_decay = 0.1, ShapeScale shape_scale = ShapeScale.MatchRmsAdamW, int ns_steps = RootCoefficients.Steps,
        ScalarType? ns_dtype = null, UpdateRule fallback = UpdateRule.AdamW, double? fallback_lr = null,
        double beta1 = 0.9, double beta2 = 0.95, double eps = 1e-8, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : this(RouteByShape(parameters), lr, momentum, nesterov, weight_decay, shape_scale, ns_steps, ns_dtype, fallback,
            fallback_lr, beta1, beta2, eps, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates ROOT over parameter groups (for instance from <c>ParameterRouter</c>); the arguments are the defaults groups inherit.</summary>
    /// <inheritdoc cref="ROOT(IEnumerable{Parameter}, double, double, bool, double, ShapeScale, int, ScalarType?, UpdateRule, double?, double, double, double, bool, WeightDecayMode)" />
    public ROOT(IEnumerable<ParamGroup<Options>> groups, double lr = 1e-3, double momentum = 0.95, bool nesterov = true,
        double weight_decay = 0.1, ShapeScale shape_scale = ShapeScale.MatchRmsAdamW, int ns_steps = RootCoefficients.Steps,
        ScalarType? ns_dtype = null, UpdateRule fallback = UpdateRule.AdamW, double? fallback_lr = null,
        double beta1 = 0.9, double beta2 = 0.95, double eps = 1e-8, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(new Options {
            lr = lr, momentum = momentum, nesterov = nesterov, weight_decay = weight_decay, shape_scale = shape_scale,
            ns_steps = ns_steps, ns_dtype = ns_dtype, rule = UpdateRule.Matrix, fallback = fallback,
            fallback_lr = fallback_lr, beta1 = beta1, beta2 = beta2, eps = eps, maximize = maximize,
            weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <summary>
    /// The outlier threshold of ROOT (He et al. 2025) without its offset: the <paramref name="q"/>-quantile of the
    /// elements of <paramref name="values"/>, interpolating linearly between the order statistics around position
    /// q·(N − 1) (torch's <c>quantile</c>, without its 2²⁴-element limit). Returns a 0-d tensor; no host sync.
    /// </summary>
    /// <remarks>
    /// The order statistics come from <c>topk</c>: the N − ⌊q·(N − 1)⌋ largest values, then the two smallest of those.
    /// <c>kthvalue</c> would be the direct choice, but libtorch's CPU quickselect is quadratic on reverse-sorted input
    /// (4 s for 400,000 elements, against 40 ms for <c>topk</c>), and a gradient's magnitudes can come in that order.
    /// </remarks>
    public static Tensor Quantile(Tensor values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        Hyperparameter.ClosedUnitInterval(nameof(q), q);
        var flat = values.reshape(-1);
        var count = flat.numel();
        if (count == 0) {
            throw new ArgumentException("The quantile of an empty tensor is undefined.", nameof(values));
        }
        var position = q * (count - 1);
        var lower = (long)Math.Floor(position);
        var upper = (long)Math.Ceiling(position);
        var largest = flat.topk(checked((int)(count - lower)), largest: true, sorted: false).values;
        var smallest = largest.topk((int)Math.Min(2, largest.numel()), largest: false, sorted: true).values;
        var low = smallest[0];
        if (upper == lower) {
            return low;
        }
        using var weight = (position - lower).ToScalar();
        return low.add(smallest[1].sub(low), alpha: weight);
    }

    /// <summary>Creates ROOT's momentum buffer <c>momentum_buffer</c> = 0 (He et al. 2025).</summary>
    protected override void InitializeMatrixState(ParameterState state, Parameter parameter, Options options) =>
        state.Set("momentum_buffer", zeros_like(parameter));

    /// <summary>
    /// ROOT's direction (He et al. 2025) is the (Nesterov) SGD momentum, clamped at its 90% quantile of magnitudes, then
    /// orthogonalized with the coefficients for its shape; split there so that matrices of one shape (which share
    /// their coefficients) are orthogonalized together.
    /// </summary>
    protected override bool SplitsAtOrthogonalization => true;

    /// <summary>The (Nesterov) SGD momentum step, clamped at its 90% quantile of magnitudes (plus 1e-9).</summary>
    protected override Tensor OrthogonalizationInput(UpdateContext<Options> context, Tensor gradient)
    {
        var o = context.Options;
        var scalars = context.Scalars;
        var mu = o.momentum!.Value;
        var buffer = AsMatrix(context.State["momentum_buffer"]);
        buffer.mul_(scalars[mu]).add_(gradient);
        var momentum = buffer.dtype == gradient.dtype ? buffer : buffer.to(gradient.dtype);
        var update = o.nesterov!.Value ? gradient.add(momentum, alpha: scalars[mu]) : momentum;
        var threshold = Quantile(update.abs(), OutlierQuantile).add_(scalars[ThresholdOffset]);
        return update.clamp(threshold.neg(), threshold);
    }

    /// <summary>
    /// ROOT's Newton–Schulz for this matrix: the coefficients for its shape, <c>ns_steps</c> iterations, Frobenius
    /// pre-normalization with ε = 1e-7, in <c>ns_dtype</c> or else the dtype of the update.
    /// </summary>
    protected override NewtonSchulz Orthogonalizer(UpdateContext<Options> context, Tensor input)
    {
        var o = context.Options;
        var (rows, cols) = (input.size(0), input.size(1));
        return new NewtonSchulz(RootCoefficients.For(rows, cols), o.ns_steps!.Value, PreNormalization.Frobenius,
            NormalizationEpsilon, o.ns_dtype ?? input.dtype);
    }

    /// <summary>ROOT's hyperparameters (He et al. 2025); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : MatrixOptions
    {
        /// <summary>Newton–Schulz iterations, ≥ 1 (the reference's <c>root_steps</c>).</summary>
        public int? ns_steps { get; set; }

        /// <summary>Newton–Schulz compute dtype (BFloat16, Float32 or Float64); null: the dtype of the update.</summary>
        public ScalarType? ns_dtype { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            if (ns_steps is { } n) {
                Hyperparameter.AtLeast(nameof(ns_steps), n, 1);
            }
            if (ns_dtype is { } d && d is not (ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64)) {
                throw Hyperparameter.OutOfRange(nameof(ns_dtype), d.ToString(), "{BFloat16, Float32, Float64}");
            }
        }
    }
}
