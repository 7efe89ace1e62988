using System.Collections.Generic;
using Descent.Core;
using Descent.Orthogonalization;
using Descent.Routing;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// NorMuon (Li, Liu, Liang, Chen &amp; Zhao, "NorMuon: Making Muon more efficient and scalable", arXiv 2510.05491,
/// 2025), as in zichongli5/NorMuon (optimizer-specs §17): Muon's O = NS5(U), then a neuron-wise second moment
/// v ← β₂·v + (1 − β₂)·mean_row(O²) of shape (rows, 1), without bias correction; O ← O/(√v + 1e-10); and
/// O ← O·‖NS5(U)‖_F/(‖O‖_F + 1e-10), which evens out the rows' RMS while keeping the norm Newton–Schulz gave;
/// θ ← θ − lr·s(rows, cols)·O. The statistics are per row of the flattened matrix view,
/// so a convolution kernel (out, in, kh, kw) has v of shape (out, 1) with the mean over in·kh·kw (the reference keeps
/// v at p[..., 0:1] and takes the mean along kw only, which the spec calls a quirk; we do not copy it). Weight decay is
/// decoupled with the unscaled lr; non-matrix parameters get the AdamW (or Lion) fallback.
/// </summary>
[OptimizerInfo("Li et al., \"NorMuon: Making Muon more efficient and scalable\" (arXiv 2510.05491, 2025)",
    "hand vectors (optimizer-specs §17): diag(3, 4) gives 0.9421166 on both rows; rank-1 inputs give Muon's update")]
public sealed class NorMuon : OrthogonalizedOptimizer<NorMuon.Options>
{
    private const string SecondMomentBuffer = "second_momentum_buffer";
    private const double Epsilon = 1e-10;

    /// <summary>Creates NorMuon over a parameter list, routed by shape (matrices to NorMuon, the rest to the fallback).</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate of the matrix rule (default: 0.02).</param>
    /// <param name="momentum">Momentum μ in [0, 1) (default: 0.95).</param>
    /// <param name="normuon_beta2">Decay β₂ in [0, 1) of the neuron-wise second moment (default: 0.95).</param>
    /// <param name="nesterov">Use Nesterov momentum (default: true).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="shape_scale">The learning-rate factor for the matrix shape (default: √max(1, rows/cols)).</param>
    /// <param name="ns_coefficients">Newton–Schulz coefficients (default: Keller's quintic).</param>
    /// <param name="ns_steps">Newton–Schulz iterations; 0 for the set's own count (default: 5).</param>
    /// <param name="ns_normalization">Newton–Schulz pre-normalization (default: Frobenius).</param>
    /// <param name="ns_dtype">Newton–Schulz compute dtype: BFloat16, Float32 or Float64 (default: BFloat16).</param>
    /// <param name="ns_eps">ε of the pre-normalization (default: 1e-7).</param>
    /// <param name="fallback">The rule of non-matrix parameters: AdamW or Lion (default: AdamW).</param>
    /// <param name="fallback_lr">Learning rate of fallback groups that set none (default: 3e-4).</param>
    /// <param name="beta1">β1 of the fallback (default: 0.9).</param>
    /// <param name="beta2">β2 of the fallback (default: 0.95); NorMuon's own β₂ is <paramref name="normuon_beta2"/>.</param>
    /// <param name="eps">ε of the AdamW fallback (default: 1e-10).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: decoupled).</param>
    public NorMuon(IEnumerable<Parameter> parameters, double lr = 0.02, double momentum = 0.95, double normuon_beta2 = 0.95,
        bool nesterov = true, double weight_decay = 0, ShapeScale shape_scale = ShapeScale.Original,
        CoefficientSet ns_coefficients = CoefficientSet.KellerQuintic, int ns_steps = 5,
        PreNormalization ns_normalization = PreNormalization.Frobenius, ScalarType ns_dtype = ScalarType.BFloat16,
        double ns_eps = 1e-7, UpdateRule fallback = UpdateRule.AdamW, double fallback_lr = 3e-4, double beta1 = 0.9,
        double beta2 = 0.95, double eps = 1e-10, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : this(RouteByShape(parameters), lr, momentum, normuon_beta2, nesterov, weight_decay, shape_scale, ns_coefficients,
            ns_steps, ns_normalization, ns_dtype, ns_eps, fallback, fallback_lr, beta1, beta2, eps, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates NorMuon over parameter groups (for instance from <c>ParameterRouter</c>); the arguments are the defaults groups inherit.</summary>
    /// <inheritdoc cref="NorMuon(IEnumerable{Parameter}, double, double, double, bool, double, ShapeScale, CoefficientSet, int, PreNormalization, ScalarType, double, UpdateRule, double, double, double, double, bool, WeightDecayMode)" />
    public NorMuon(IEnumerable<ParamGroup<Options>> groups, double lr = 0.02, double momentum = 0.95, double normuon_beta2 = 0.95,
        bool nesterov = true, double weight_decay = 0, ShapeScale shape_scale = ShapeScale.Original,
        CoefficientSet ns_coefficients = CoefficientSet.KellerQuintic, int ns_steps = 5,
        PreNormalization ns_normalization = PreNormalization.Frobenius, ScalarType ns_dtype = ScalarType.BFloat16,
        double ns_eps = 1e-7, UpdateRule fallback = UpdateRule.AdamW, double fallback_lr = 3e-4, double beta1 = 0.9,
        double beta2 = 0.95, double eps = 1e-10, bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(new Options {
            lr = lr, momentum = momentum, normuon_beta2 = normuon_beta2, nesterov = nesterov, weight_decay = weight_decay,
            shape_scale = shape_scale, ns_coefficients = ns_coefficients, ns_steps = ns_steps,
            ns_normalization = ns_normalization, ns_dtype = ns_dtype, ns_eps = ns_eps, rule = UpdateRule.Matrix,
            fallback = fallback, fallback_lr = fallback_lr, beta1 = beta1, beta2 = beta2, eps = eps, maximize = maximize,
            weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <summary>Creates <c>momentum_buffer</c> = 0 and the neuron-wise <c>second_momentum_buffer</c> = 0 of shape (rows, 1).</summary>
    protected override void InitializeMatrixState(ParameterState state, Parameter parameter, Options options)
    {
        base.InitializeMatrixState(state, parameter, options);
        var (rows, _) = MatrixShape(parameter);
        state.Set(SecondMomentBuffer, zeros(rows, 1, dtype: parameter.dtype, device: parameter.device));
    }

    /// <summary>Muon's direction with each row rescaled by its running RMS, then the Frobenius norm restored (Li et al. 2025).</summary>
    protected override Tensor AfterOrthogonalization(UpdateContext<Options> context, Tensor gradient, Tensor orthogonalized)
    {
        var scalars = context.Scalars;
        var norm = linalg.vector_norm(orthogonalized);
        var secondMoment = context.State[SecondMomentBuffer];
        var rowMeanSquare = orthogonalized.square().mean(new long[] { -1 }, keepdim: true);
        LerpInPlace(secondMoment, rowMeanSquare, 1 - context.Options.normuon_beta2!.Value, scalars);
        var normalized = orthogonalized.div(secondMoment.sqrt().add_(scalars[Epsilon]));
        return FrobeniusRescale.ToNorm(normalized, norm, Epsilon, scalars);
    }

    /// <summary>NorMuon's hyperparameters (Li et al. 2025); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : OrthogonalizedOptions
    {
        /// <summary>
        /// Decay β₂ in [0, 1) of the neuron-wise second moment (the reference's <c>beta2</c>; named apart from
        /// <see cref="MatrixOptions.beta2"/>, which belongs to the fallback).
        /// </summary>
        public double? normuon_beta2 { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(normuon_beta2), normuon_beta2, Hyperparameter.UnitInterval);
        }
    }
}
