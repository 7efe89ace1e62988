using System.Collections.Generic;
using Descent.Core;
using Descent.Routing;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// AuON, "Alternative Unit-norm momentum updates by Normalized nonlinear scaling" (Maity, "AuON: A Linear-time
/// Alternative to Orthogonal Momentum Updates", arXiv 2509.24320, 2025), as in ryyzn9/AuON (optimizer-specs §21):
/// M ← μ·M + (1 − μ)·G; U = (1 − μ)·G + μ·M with Nesterov, else M; r = √mean(cosh²(γ·U/(‖U‖_F + 1e-7)));
/// θ ← θ − lr·s(rows, cols)·U/(r + 1e-8). No Newton–Schulz: linear cost in the number of entries. The cosh "brake" r
/// grows when a few entries dominate U, shrinking the update. The shape scale is none by default (as the reference);
/// weight decay is decoupled with the unscaled lr and applies even when U = 0 (which gives a zero update without a
/// host sync). Non-matrix parameters get the AdamW (or Lion) fallback, as in the reference's training setup.
/// </summary>
[OptimizerInfo("Maity, \"AuON: A Linear-time Alternative to Orthogonal Momentum Updates\" (arXiv 2509.24320, 2025)",
    "hand vectors (optimizer-specs §21): U = [3, 4] and γ = 1.5 give r = 1.6328212 and the update [1.8373108, 2.4497477]")]
public sealed class AuON : MatrixOptimizer<AuON.Options>
{
    /// <summary>Creates AuON over a parameter list, routed by shape (matrices to AuON, the rest to the fallback).</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate of the matrix rule (default: 0.24).</param>
    /// <param name="momentum">Momentum μ in [0, 1) (default: 0.95).</param>
    /// <param name="nesterov">Use Nesterov momentum (default: true, as the reference always does).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="gamma">Strength γ ∈ [0, 40] of the cosh brake (default: 1.5).</param>
    /// <param name="shape_scale">The learning-rate factor for the matrix shape (default: none).</param>
    /// <param name="fallback">The rule of non-matrix parameters: AdamW or Lion (default: AdamW).</param>
    /// <param name="fallback_lr">Learning rate of fallback groups that set none (default: 3e-4).</param>
    /// <param name="beta1">β1 of the fallback (default: 0.9).</param>
    /// <param name="beta2">β2 of the fallback (default: 0.95).</param>
    /// <param name="eps">ε of the AdamW fallback (default: 1e-10).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: decoupled).</param>
    public AuON(IEnumerable<Parameter> parameters, double lr = 0.24, double momentum = 0.95, bool nesterov = true,
        double weight_decay = 0, double gamma = 1.5, ShapeScale shape_scale = ShapeScale.None,
        UpdateRule fallback = UpdateRule.AdamW, double fallback_lr = 3e-4, double beta1 = 0.9, double beta2 = 0.95,
        double eps = 1e-10, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : this(RouteByShape(parameters), lr, momentum, nesterov, weight_decay, gamma, shape_scale, fallback, fallback_lr,
            beta1, beta2, eps, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates AuON over parameter groups (for instance from <c>ParameterRouter</c>); the arguments are the defaults groups inherit.</summary>
    /// <inheritdoc cref="AuON(IEnumerable{Parameter}, double, double, bool, double, double, ShapeScale, UpdateRule, double, double, double, double, bool, WeightDecayMode)" />
    public AuON(IEnumerable<ParamGroup<Options>> groups, double lr = 0.24, double momentum = 0.95, bool nesterov = true,
        double weight_decay = 0, double gamma = 1.5, ShapeScale shape_scale = ShapeScale.None,
        UpdateRule fallback = UpdateRule.AdamW, double fallback_lr = 3e-4, double beta1 = 0.9, double beta2 = 0.95,
        double eps = 1e-10, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(new Options {
            lr = lr, momentum = momentum, nesterov = nesterov, weight_decay = weight_decay, gamma = gamma,
            shape_scale = shape_scale, rule = UpdateRule.Matrix, fallback = fallback, fallback_lr = fallback_lr,
            beta1 = beta1, beta2 = beta2, eps = eps, maximize = maximize, weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <summary>Creates the momentum buffer <c>momentum_buffer</c> = 0.</summary>
    protected override void InitializeMatrixState(ParameterState state, Parameter parameter, Options options) =>
        InitializeMomentum(state, parameter);

    /// <summary>The (Nesterov) EMA momentum through the cosh brake (Maity 2025).</summary>
    /// <remarks>
    /// Written whole: AuON has no orthogonalization, so <see cref="MatrixOptimizer{TOptions}.BatchOrthogonalization"/>
    /// has nothing to batch (<see cref="HybridAuON"/>, which has Newton–Schulz, is batched).
    /// </remarks>
    protected override Tensor Direction(UpdateContext<Options> context, Tensor gradient) =>
        CoshBrake.Apply(MomentumUpdate(context, gradient), context.Options.gamma!.Value, context.Scalars);

    /// <summary>AuON's hyperparameters (Maity 2025); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : MatrixOptions
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
