using System.Collections.Generic;
using Descent.Core;
using Descent.Orthogonalization;
using Descent.Routing;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// Hybrid-AuON (Maity, "AuON: A Linear-time Alternative to Orthogonal Momentum Updates", arXiv 2509.24320, 2025;
/// ryyzn9/AuON; optimizer-specs §21): <see cref="AuON"/> with the momentum U replaced by NS5(U) before the cosh brake,
/// O = NS5(U); θ ← θ − lr·s(rows, cols)·O/(r + 1e-8) with r = √mean(cosh²(γ·O/(‖O‖_F + 1e-7))). Newton–Schulz runs in
/// float32 by default, as the reference does (no bf16 cast), with Muon's quintic, five steps and Frobenius
/// pre-normalization; the <c>ns_*</c> options change that (the paper's first version used a single iteration). The
/// shape scale is none by default; weight decay is decoupled with the unscaled lr; non-matrix parameters get the AdamW
/// (or Lion) fallback.
/// </summary>
[OptimizerInfo("Maity, \"AuON: A Linear-time Alternative to Orthogonal Momentum Updates\" (arXiv 2509.24320, 2025), hybrid variant",
    "hand vectors (optimizer-specs §16, §21): Newton–Schulz of diag(3, 4), then the cosh brake computed by hand")]
public sealed class HybridAuON : OrthogonalizedOptimizer<HybridAuON.Options>
{
    /// <summary>Creates Hybrid-AuON over a parameter list, routed by shape (matrices to Hybrid-AuON, the rest to the fallback).</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate of the matrix rule (default: 0.24).</param>
    /// <param name="momentum">Momentum μ in [0, 1) (default: 0.95).</param>
    /// <param name="nesterov">Use Nesterov momentum (default: true, as the reference always does).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="gamma">Strength γ ∈ [0, 40] of the cosh brake (default: 1.5).</param>
    /// <param name="shape_scale">The learning-rate factor for the matrix shape (default: none).</param>
    /// <param name="ns_coefficients">Newton–Schulz coefficients (default: Keller's quintic).</param>
    /// <param name="ns_steps">Newton–Schulz iterations; 0 for the set's own count (default: 5).</param>
    /// <param name="ns_normalization">Newton–Schulz pre-normalization (default: Frobenius).</param>
    /// <param name="ns_dtype">Newton–Schulz compute dtype: BFloat16, Float32 or Float64 (default: Float32).</param>
    /// <param name="ns_eps">ε of the pre-normalization (default: 1e-7).</param>
    /// <param name="fallback">The rule of non-matrix parameters: AdamW or Lion (default: AdamW).</param>
    /// <param name="fallback_lr">Learning rate of fallback groups that set none (default: 3e-4).</param>
    /// <param name="beta1">β1 of the fallback (default: 0.9).</param>
    /// <param name="beta2">β2 of the fallback (default: 0.95).</param>
    /// <param name="eps">ε of the AdamW fallback (default: 1e-10).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: decoupled).</param>
    public HybridAuON(IEnumerable<Parameter> parameters, double lr = 0.24, double momentum = 0.95, bool nesterov = true,
        double weight_decay = 0, double gamma = 1.5, ShapeScale shape_scale = ShapeScale.None,
        CoefficientSet ns_coefficients = CoefficientSet.KellerQuintic, int ns_steps = 5,
        PreNormalization ns_normalization = PreNormalization.Frobenius, ScalarType ns_dtype = ScalarType.Float32,
        double ns_eps = 1e-7, UpdateRule fallback = UpdateRule.AdamW, double fallback_lr = 3e-4, double beta1 = 0.9,
        double beta2 = 0.95, double eps = 1e-10, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : this(RouteByShape(parameters), lr, momentum, nesterov, weight_decay, gamma, shape_scale, ns_coefficients, ns_steps,
            ns_normalization, ns_dtype, ns_eps, fallback, fallback_lr, beta1, beta2, eps, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates Hybrid-AuON over parameter groups (for instance from <c>ParameterRouter</c>); the arguments are the defaults groups inherit.</summary>
    /// <inheritdoc cref="HybridAuON(IEnumerable{Parameter}, double, double, bool, double, double, ShapeScale, CoefficientSet, int, PreNormalization, ScalarType, double, UpdateRule, double, double, double, double, bool, WeightDecayMode)" />
    public HybridAuON(IEnumerable<ParamGroup<Options>> groups, double lr = 0.24, double momentum = 0.95, bool nesterov = true,
        double weight_decay = 0, double gamma = 1.5, ShapeScale shape_scale = ShapeScale.None,
        CoefficientSet ns_coefficients = CoefficientSet.KellerQuintic, int ns_steps = 5,
        PreNormalization ns_normalization = PreNormalization.Frobenius, ScalarType ns_dtype = ScalarType.Float32,
        double ns_eps = 1e-7, UpdateRule fallback = UpdateRule.AdamW, double fallback_lr = 3e-4, double beta1 = 0.9,
        double beta2 = 0.95, double eps = 1e-10, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(new Options {
            lr = lr, momentum = momentum, nesterov = nesterov, weight_decay = weight_decay, gamma = gamma,
            shape_scale = shape_scale, ns_coefficients = ns_coefficients, ns_steps = ns_steps,
            ns_normalization = ns_normalization, ns_dtype = ns_dtype, ns_eps = ns_eps, rule = UpdateRule.Matrix,
            fallback = fallback, fallback_lr = fallback_lr, beta1 = beta1, beta2 = beta2, eps = eps, maximize = maximize,
            weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <summary>Muon's direction through AuON's cosh brake (Maity 2025).</summary>
    protected override Tensor AfterOrthogonalization(UpdateContext<Options> context, Tensor gradient, Tensor orthogonalized) =>
        CoshBrake.Apply(orthogonalized, context.Options.gamma!.Value, context.Scalars);

    /// <summary>Hybrid-AuON's hyperparameters (Maity 2025); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : OrthogonalizedOptions
    {
        /// <summary>Strength γ ∈ [0, 40] of the cosh brake (bounded so that cosh² stays finite in float32).</summary>
        public double? gamma { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            CoshBrake.Validate(gamma);
        }
    }
}
