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
/// Dion, "DIstributed OrthoNormalization" (Ahn et al., "Dion: Distributed Orthonormalized Updates", 2025), on one
/// device, as in microsoft/dion's <c>dion_reference.py</c> and <c>dion_simple.py</c> (optimizer-specs §23). For a
/// (m × n) matrix with momentum M and right factor Q (n × r):
/// M ← M + G; P = orthonormalize(M·Q); R = Mᵀ·P (repeated <c>power_iters</c> times with Q ← R);
/// M ← M − (1 − μ)·P·Rᵀ (error feedback: what the rank-r factor captured decays by μ, the rest is kept);
/// Q ← R with unit-norm columns (R_j/(‖R_j‖ + ε)); θ ← θ − lr·√(m/n)·P·Qᵀ. Wide matrices (m &lt; n) are done in the
/// reference's transposed mode, on Mᵀ with Q of shape (m × r). The rank is
/// r = min(k·⌈<c>rank_fraction</c>·min(m, n)/k⌉, m, n) with k = <c>rank_multiple_of</c>. An all-zero M gives P = 0 and
/// keeps Q (then column-normalized), chosen by tensor arithmetic, without a host sync. Weight decay is decoupled with
/// the plain lr, θ·(1 − lr·λ).
/// <para>
/// Orthonormalization: <see cref="QrMethod.Qr"/> by default; the reference defaults to
/// <see cref="QrMethod.RandomizedCholeskyQr"/> ("rcqr"), which is faster on large tall matrices and gives the same
/// span. <see cref="QrMethod.CholeskyQr"/> ("cqr") is used only after <c>cqr_warmup_steps</c> steps (rcqr before) and
/// falls back to rcqr when the Cholesky factorization fails; reading that status costs one host sync per matrix and
/// step. Orthonormalization and the column normalization run in float32 (float64 for float64 parameters, which the
/// reference would narrow to float32).
/// </para>
/// <para>
/// Differences from the reference, all on one device: Q starts as N(0, 1) draws from a generator seeded 0 that belongs
/// to the optimizer, in parameter order (the reference draws from torch's global generator and broadcasts rank 0's),
/// so two Dion optimizers over the same parameters start alike whatever else used the global generator, and a run
/// resumed from a checkpoint (which holds M and Q) repeats the uninterrupted one. The rcqr sketch comes from a
/// generator seeded with the step count t rather than one sequence seeded 0; the update depends on the sketch only
/// through the signs of P's columns, which cancel in P·Qᵀ, and this way a resumed run draws the same sketches.
/// The reference takes only 2-D weights; here convolution kernels are flattened to (out, in·kh·kw), and the rank,
/// the orientation and √(m/n) follow that view. The rank is fixed when the state is created.
/// </para>
/// </summary>
[OptimizerInfo("Ahn et al., \"Dion: Distributed Orthonormalized Updates\" (2025)",
    "properties of optimizer-specs §23 (at full rank P·Rᵀ = M and M ← μ·(M + G); unit-norm Q; tall and wide; the three QR methods; low rank; zero gradient)")]
public sealed class Dion : MatrixOptimizer<Dion.Options>
{
    private const ulong InitialFactorSeed = 0;

    private readonly Generator _factorGenerator = new(InitialFactorSeed);

    /// <summary>Creates Dion over a parameter list, routed by shape (matrices to Dion, the rest to the fallback).</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default: 0.01).</param>
    /// <param name="momentum">Momentum μ in [0, 1): the share of the captured low-rank part kept in M (default: 0.95).</param>
    /// <param name="weight_decay">Decoupled weight decay λ ≥ 0, scaled by the plain lr (default: 0.01).</param>
    /// <param name="rank_fraction">r/min(m, n) in (0, 1] (default: 1, full rank).</param>
    /// <param name="rank_multiple_of">Round r up to a multiple of this, ≥ 1 (default: 1).</param>
    /// <param name="power_iters">Power iterations per step, ≥ 1 (default: 1).</param>
    /// <param name="qr_method">How P is orthonormalized (default: Householder QR; the reference defaults to rcqr).</param>
    /// <param name="cqr_warmup_steps">Steps ≥ 0 that use rcqr before Cholesky QR is enabled (default: 150).</param>
    /// <param name="rcqr_oversample">Sketch oversampling ≥ 1 of randomized Cholesky QR (default: 1.25).</param>
    /// <param name="epsilon">ε &gt; 0 of the column normalization of R (default: 1e-8).</param>
    /// <param name="shape_scale">The learning-rate factor for the matrix shape (default: √(rows/cols), no max).</param>
    /// <param name="fallback">The rule of non-matrix parameters: AdamW or Lion (default: AdamW).</param>
    /// <param name="fallback_lr">Learning rate of fallback groups that set none (default: null, Dion's lr, as the reference).</param>
    /// <param name="beta1">β1 of the fallback (default: 0.9).</param>
    /// <param name="beta2">β2 of the fallback (default: 0.95).</param>
    /// <param name="eps">ε of the AdamW fallback (default: 1e-8).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: decoupled).</param>
    public Dion(IEnumerable<Parameter> parameters, double lr = 0.01, double momentum = 0.95, double weight_decay = 0.01,
        double rank_fraction = 1.0, int rank_multiple_of = 1, int power_iters = 1, QrMethod qr_method = QrMethod.Qr,
        int cqr_warmup_steps = 150, double rcqr_oversample = 1.25, double epsilon = 1e-8,
        ShapeScale shape_scale = ShapeScale.SpectralNorm, UpdateRule fallback = UpdateRule.AdamW,
        double? fallback_lr = null, double beta1 = 0.9, double beta2 = 0.95, double eps = 1e-8, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : this(RouteByShape(parameters), lr, momentum, weight_decay, rank_fraction, rank_multiple_of, power_iters,
            qr_method, cqr_warmup_steps, rcqr_oversample, epsilon, shape_scale, fallback, fallback_lr, beta1, beta2, eps,
            maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates Dion over parameter groups (for instance from <c>ParameterRouter</c>); the arguments are the defaults groups inherit.</summary>
    /// <inheritdoc cref="Dion(IEnumerable{Parameter}, double, double, double, double, int, int, QrMethod, int, double, double, ShapeScale, UpdateRule, double?, double, double, double, bool, WeightDecayMode)" />
    public Dion(IEnumerable<ParamGroup<Options>> groups, double lr = 0.01, double momentum = 0.95, double weight_decay = 0.01,
        double rank_fraction = 1.0, int rank_multiple_of = 1, int power_iters = 1, QrMethod qr_method = QrMethod.Qr,
        int cqr_warmup_steps = 150, double rcqr_oversample = 1.25, double epsilon = 1e-8,
        ShapeScale shape_scale = ShapeScale.SpectralNorm, UpdateRule fallback = UpdateRule.AdamW,
        double? fallback_lr = null, double beta1 = 0.9, double beta2 = 0.95, double eps = 1e-8, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(new Options {
            lr = lr, momentum = momentum, weight_decay = weight_decay, rank_fraction = rank_fraction,
            rank_multiple_of = rank_multiple_of, power_iters = power_iters, qr_method = qr_method,
            cqr_warmup_steps = cqr_warmup_steps, rcqr_oversample = rcqr_oversample, epsilon = epsilon,
            shape_scale = shape_scale, rule = UpdateRule.Matrix, fallback = fallback, fallback_lr = fallback_lr,
            beta1 = beta1, beta2 = beta2, eps = eps, maximize = maximize, weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <summary>
    /// The rank r of Dion's factorization (Ahn et al. 2025) for a (<paramref name="rows"/> × <paramref name="cols"/>)
    /// matrix: <paramref name="rankFraction"/>·min(m, n) rounded up to a multiple of <paramref name="multipleOf"/>, at most min(m, n).
    /// </summary>
    public static long Rank(long rows, long cols, double rankFraction, int multipleOf)
    {
        var rank = multipleOf * (long)Math.Ceiling(rankFraction * Math.Min(rows, cols) / multipleOf);
        return Math.Min(rank, Math.Min(rows, cols));
    }

    /// <summary>True when Dion (Ahn et al. 2025) works on the transpose of a (rows × cols) matrix: wide matrices, rows &lt; cols.</summary>
    public static bool IsTransposed(long rows, long cols) => rows < cols;

    /// <summary>
    /// Creates Dion's state (Ahn et al. 2025): the momentum <c>momentum</c> = 0 and the right factor <c>Q</c>, N(0, 1)
    /// draws of shape (n × r), or (m × r) for a wide matrix, from the optimizer's generator seeded 0.
    /// </summary>
    protected override void InitializeMatrixState(ParameterState state, Parameter parameter, Options options)
    {
        var (rows, cols) = MatrixShape(parameter);
        var rank = Rank(rows, cols, options.rank_fraction!.Value, options.rank_multiple_of!.Value);
        var factorRows = IsTransposed(rows, cols) ? rows : cols;
        state.Set("momentum", zeros_like(parameter));
        var drawn = randn(new[] { factorRows, rank }, dtype: parameter.dtype, generator: _factorGenerator);
        state.Set("Q", parameter.device.type == DeviceType.CPU ? drawn : drawn.to(parameter.device, disposeAfter: true));
    }

    /// <summary>Dion's direction (Ahn et al. 2025): P·Qᵀ from a power iteration on the momentum, with error feedback.</summary>
    /// <remarks>
    /// Written whole, not split for <see cref="MatrixOptimizer{TOptions}.BatchOrthogonalization"/>: the
    /// orthonormalization is a QR of the low-rank product M·Q inside the power iteration, interleaved with the state
    /// (M's error feedback, the new Q), not one Newton–Schulz between a pre- and a post-step.
    /// </remarks>
    protected override Tensor Direction(UpdateContext<Options> context, Tensor gradient)
    {
        var o = context.Options;
        var momentum = AsMatrix(context.State["momentum"]);
        var factor = context.State["Q"];
        var transposed = IsTransposed(momentum.size(0), momentum.size(1));
        momentum.add_(gradient);
        var target = transposed ? momentum.transpose(0, 1) : momentum;
        var previous = factor.to(momentum.dtype);
        var (p, r) = PowerIteration(context, target, previous);
        (p, r) = KeepFactorIfZero(momentum, p, r, previous);
        momentum.add_(transposed ? r.matmul(p.transpose(0, 1)) : p.matmul(r.transpose(0, 1)),
            alpha: context.Scalars[-(1 - o.momentum!.Value)]);
        var next = NormalizeColumns(r, o.epsilon!.Value, context.Scalars).to(p.dtype);
        factor.copy_(next);
        var direction = transposed ? next.matmul(p.transpose(0, 1)) : p.matmul(next.transpose(0, 1));
        return direction.to(gradient.dtype);
    }

    // P = orthonormalize(B·Q), R = Bᵀ·P, repeated with Q ← R.
    private static (Tensor P, Tensor R) PowerIteration(UpdateContext<Options> context, Tensor target, Tensor factor)
    {
        var o = context.Options;
        var method = o.qr_method!.Value == QrMethod.CholeskyQr && context.Step <= o.cqr_warmup_steps!.Value
            ? QrMethod.RandomizedCholeskyQr
            : o.qr_method!.Value;
        using var sketch = method == QrMethod.Qr ? null : new Generator((ulong)context.Step, target.device);
        var (p, r) = (factor, factor);
        for (var i = 0; i < o.power_iters!.Value; i++) {
            p = QrOrthonormalizer.Orthonormalize(target.matmul(r), method, o.rcqr_oversample!.Value, sketch);
            r = target.transpose(0, 1).matmul(p);
        }
        return (p, r);
    }

    // The reference's guard: an all-zero M makes P zero (or NaN, by the Cholesky methods) and R zero; then P = 0 and R
    // takes the previous Q, selected arithmetically so that no host sync is needed.
    private static (Tensor P, Tensor R) KeepFactorIfZero(Tensor momentum, Tensor p, Tensor r, Tensor previous)
    {
        var allZero = momentum.eq(0).all();
        var notAllZero = allZero.logical_not();
        return (p.nan_to_num().mul_(notAllZero), r.nan_to_num().mul_(notAllZero).add_(previous.mul(allZero)));
    }

    // R_j/(‖R_j‖ + ε) in float32 (float64 for float64 R).
    private static Tensor NormalizeColumns(Tensor r, double epsilon, StepScalars scalars)
    {
        var wide = r.dtype == ScalarType.Float64 ? r : r.to(ScalarType.Float32);
        var norms = linalg.vector_norm(wide, 2, new long[] { 0 }, keepdim: true).add_(scalars[epsilon]);
        return wide.div(norms);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) {
            _factorGenerator.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Dion's hyperparameters (Ahn et al. 2025); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : MatrixOptions
    {
        /// <summary>r/min(m, n) in (0, 1]; read when a parameter's state is created.</summary>
        public double? rank_fraction { get; set; }

        /// <summary>Round the rank up to a multiple of this (≥ 1); read when a parameter's state is created.</summary>
        public int? rank_multiple_of { get; set; }

        /// <summary>Power iterations per step, ≥ 1.</summary>
        public int? power_iters { get; set; }

        /// <summary>How P is orthonormalized.</summary>
        public QrMethod? qr_method { get; set; }

        /// <summary>With <see cref="QrMethod.CholeskyQr"/>: the steps (≥ 0) that use randomized Cholesky QR first.</summary>
        public int? cqr_warmup_steps { get; set; }

        /// <summary>Sketch oversampling (≥ 1) of randomized Cholesky QR.</summary>
        public double? rcqr_oversample { get; set; }

        /// <summary>ε &gt; 0 added to the column norms of R.</summary>
        public double? epsilon { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(rank_fraction), rank_fraction, (n, v) => Hyperparameter.InRange(n, v, 0, 1, false, true));
            if (rank_multiple_of is { } k) {
                Hyperparameter.AtLeast(nameof(rank_multiple_of), k, 1);
            }
            if (power_iters is { } iterations) {
                Hyperparameter.AtLeast(nameof(power_iters), iterations, 1);
            }
            if (qr_method is { } method) {
                Hyperparameter.Defined(nameof(qr_method), method);
            }
            if (cqr_warmup_steps is { } warmup) {
                Hyperparameter.AtLeast(nameof(cqr_warmup_steps), warmup, 0);
            }
            Check(nameof(rcqr_oversample), rcqr_oversample, (n, v) => Hyperparameter.InRange(n, v, 1, double.PositiveInfinity, true, false));
            Check(nameof(epsilon), epsilon, Hyperparameter.Positive);
        }
    }
}
