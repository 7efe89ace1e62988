using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// Adafactor (Shazeer &amp; Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost", ICML 2018) with
/// the semantics of torch.optim.Adafactor (optimizer-specs §11a), without a first moment:
/// <list type="number">
/// <item>1 − β̂2 = t^τ with τ = <c>beta2_decay</c> (so the first step replaces the state), ρ = min(lr, 1/√t) and
/// α = max(ε2, RMS(θ))·ρ, with RMS(θ) read <b>before</b> weight decay;</item>
/// <item>for a parameter with two or more dimensions, factored second moments over the last two dimensions (the leading
/// ones are batch dimensions): R ← lerp(R, mean over the last dim of g², 1 − β̂2), shape (…, m, 1), and
/// C ← lerp(C, mean over the second-to-last dim of g², 1 − β̂2), shape (…, 1, n); V̂ = R·C / max(mean of R, ε1).
/// For fewer dimensions V ← lerp(V, g², 1 − β̂2) and V̂ = V;</item>
/// <item>U = g/√max(V̂, ε1²), and θ ← θ − α·U/max(1, RMS(U)/d) (update clipping at threshold d).</item>
/// </list>
/// As in torch (and unlike the paper, which adds ε1 to g²), ε1 acts only on V̂ and U; the paper's ρ cap of 0.01 is
/// the learning rate, and weight decay is decoupled, θ ← θ·(1 − lr·λ), by default.
/// </summary>
[OptimizerInfo("Shazeer & Stern, \"Adafactor: Adaptive Learning Rates with Sublinear Memory Cost\" (ICML 2018)", "hand-derived vectors (optimizer-specs §11; torch.optim.Adafactor semantics)")]
public sealed class Adafactor : DescentOptimizer<Adafactor.Options>
{
    /// <summary>
    /// The value of <see cref="Options.eps1"/> that means "the machine epsilon of the parameter's dtype" (torch's
    /// <c>eps=(None, …)</c>): NaN. A group's null <c>eps1</c> means "inherit the optimizer's default", so this
    /// default needs a value of its own; 0 cannot serve, because ε1 = 0 is a valid choice (no floor on V̂). Being
    /// NaN, it never compares equal to itself: test for it with <see cref="double.IsNaN(double)"/>. Any other NaN is
    /// read the same way.
    /// </summary>
    public const double MachineEpsilon = double.NaN;

    // RMS(θ) read by BeforeWeightDecay, keyed by the context it was read for; Update consumes it.
    private (UpdateContext<Options>? context, double rms) _rmsBeforeDecay;

    /// <summary>Creates Adafactor (Shazeer &amp; Stern 2018, torch.optim.Adafactor semantics) over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate: the cap on the relative step size ρ and the scale of weight decay (default: 1e-2).</param>
    /// <param name="beta2_decay">Exponent τ ≤ 0 of the second-moment rate, 1 − β̂2 = t^τ (default: -0.8).</param>
    /// <param name="eps1">
    /// ε1 ≥ 0, the floor of the variance estimate (default: null, the machine epsilon of each parameter's own dtype,
    /// e.g. 1.1920929e-07 for float32; stored in the options as <see cref="MachineEpsilon"/>).
    /// </param>
    /// <param name="eps2">ε2 ≥ 0, the floor of RMS(θ) in the step size (default: 1e-3).</param>
    /// <param name="d">Update-clipping threshold d ≥ 1 on RMS(U) (default: 1).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: decoupled, scaled by lr, as torch.optim.Adafactor).</param>
    public Adafactor(IEnumerable<Parameter> parameters, double lr = 1e-2, double beta2_decay = -0.8, double? eps1 = null,
        double eps2 = 1e-3, double d = 1.0, double weight_decay = 0, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, beta2_decay, eps1, eps2, d, weight_decay, maximize, weight_decay_mode)
    {
    }

    /// <summary>
    /// Creates Adafactor (Shazeer &amp; Stern 2018, torch.optim.Adafactor semantics) over parameter groups; the
    /// arguments are the defaults that groups inherit.
    /// </summary>
    /// <inheritdoc cref="Adafactor(IEnumerable{Parameter}, double, double, double?, double, double, double, bool, WeightDecayMode)" />
    public Adafactor(IEnumerable<ParamGroup<Options>> groups, double lr = 1e-2, double beta2_decay = -0.8, double? eps1 = null,
        double eps2 = 1e-3, double d = 1.0, double weight_decay = 0, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(new Options {
            lr = lr, beta2_decay = beta2_decay, eps1 = eps1 ?? MachineEpsilon, eps2 = eps2, d = d,
            weight_decay = weight_decay, maximize = maximize, weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <summary>False: Adafactor reduces over rows and columns and takes RMS(θ) and RMS(U) of whole tensors.</summary>
    public override bool IsElementwise => false;

    /// <summary>
    /// Creates the second-moment state of Adafactor (Shazeer &amp; Stern 2018), zeros: for two or more dimensions
    /// <c>row_var</c> of shape (…, m, 1) and <c>col_var</c> of shape (…, 1, n); otherwise <c>variance</c>, shaped
    /// like the parameter.
    /// </summary>
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        if (parameter.dim() > 1) {
            var rowShape = parameter.shape.ToArray();
            rowShape[^1] = 1;
            var colShape = parameter.shape.ToArray();
            colShape[^2] = 1;
            state.Set("row_var", zeros(rowShape, parameter.dtype, parameter.device));
            state.Set("col_var", zeros(colShape, parameter.dtype, parameter.device));
        } else {
            state.Set("variance", zeros_like(parameter));
        }
    }

    /// <summary>Reads RMS(θ) before decoupled weight decay changes θ: the step size uses the undecayed θ.</summary>
    protected override void BeforeWeightDecay(UpdateContext<Options> context)
    {
        var param = context.Param;
        var rms = param.numel() == 0 ? 0 : param.norm().to(ScalarType.Float64).item<double>() / Math.Sqrt(param.numel());
        _rmsBeforeDecay = (context, rms);
    }

    /// <summary>One Adafactor step (Shazeer &amp; Stern 2018) with torch.optim.Adafactor's use of lr and ε1.</summary>
    protected override void Update(UpdateContext<Options> context)
    {
        var (readFor, rms) = _rmsBeforeDecay;
        _rmsBeforeDecay = default;
        if (!ReferenceEquals(readFor, context)) {
            throw new InvalidOperationException("Adafactor's RMS(θ) was not read for this parameter before its update.");
        }
        var param = context.Param;
        if (param.numel() == 0) {
            return;
        }
        var o = context.Options;
        var s = context.Scalars;
        var grad = context.Grad;
        var t = (double)context.Step;
        var rate = Math.Pow(t, o.beta2_decay!.Value);
        var rho = Math.Min(context.LearningRate, 1 / Math.Sqrt(t));
        var alpha = Math.Max(o.eps2!.Value, rms) * rho;
        var eps1 = double.IsNaN(o.eps1!.Value) ? finfo(context.State.Parameter.dtype).eps : o.eps1.Value;

        Tensor estimate;
        if (grad.dim() > 1) {
            var rowVar = context.State["row_var"];
            var colVar = context.State["col_var"];
            rowVar.mul_(s[1 - rate]).add_(MeanSquare(grad, -1, s), alpha: s[rate]);
            colVar.mul_(s[1 - rate]).add_(MeanSquare(grad, -2, s), alpha: s[rate]);
            // Computed at the working precision even when the state is kept narrower.
            var row = rowVar.to(param.dtype);
            estimate = row.matmul(colVar.to(param.dtype)).div_(row.mean(new long[] { -2 }, keepdim: true).clamp_min_(s[eps1]));
            estimate.clamp_min_(s[eps1 * eps1]);
        } else {
            var variance = context.State["variance"];
            variance.mul_(s[1 - rate]).addcmul_(grad, grad, value: s[rate]);
            estimate = variance.clamp_min(s[eps1 * eps1]).to(param.dtype);
        }
        var update = estimate.rsqrt_().mul_(grad);
        var updateRms = update.norm().to(ScalarType.Float64).item<double>() / Math.Sqrt(update.numel());
        var clip = Math.Max(1.0, updateRms / o.d!.Value);
        param.add_(update, alpha: s[-alpha / clip]);
    }

    // mean of g² over one dimension, kept: ‖g‖² along it / its size, without materialising g².
    private static Tensor MeanSquare(Tensor grad, int dim, StepScalars s)
    {
        var norm = linalg.vector_norm(grad, 2, new long[] { dim }, keepdim: true);
        return norm.mul_(norm).div_(s[grad.size(dim)]);
    }

    /// <summary>
    /// Adafactor's hyperparameters (Shazeer &amp; Stern 2018, torch.optim.Adafactor's names); null values inherit the
    /// optimizer's defaults.
    /// </summary>
    public sealed class Options : DescentOptions
    {
        /// <summary>Exponent τ ≤ 0 of the second-moment rate: 1 − β̂2 = t^τ (the paper's −0.8).</summary>
        public double? beta2_decay { get; set; }

        /// <summary>
        /// ε1 ≥ 0, the floor of the variance estimate: V̂ is divided by max(mean of R, ε1) and floored at ε1². The value
        /// <see cref="MachineEpsilon"/> (NaN) means the machine epsilon of each parameter's own dtype (its storage
        /// dtype, as torch, even when a 16-bit parameter is updated in a float32 working copy). null, as for every
        /// option, means "inherit the optimizer's default"; NaN survives checkpoints like any other number.
        /// </summary>
        public double? eps1 { get; set; }

        /// <summary>ε2 ≥ 0, the floor of RMS(θ) in the step size α = max(ε2, RMS(θ))·ρ.</summary>
        public double? eps2 { get; set; }

        /// <summary>The update-clipping threshold d ≥ 1: U is scaled by 1/max(1, RMS(U)/d).</summary>
        public double? d { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(beta2_decay), beta2_decay, (name, v) => Hyperparameter.InRange(name, v, double.NegativeInfinity, 0, false, true));
            if (eps1 is double e && !double.IsNaN(e)) {
                Hyperparameter.NonNegative(nameof(eps1), e);
            }
            Check(nameof(eps2), eps2, Hyperparameter.NonNegative);
            Check(nameof(d), d, (name, v) => Hyperparameter.InRange(name, v, 1, double.PositiveInfinity, true, false));
        }
    }
}
