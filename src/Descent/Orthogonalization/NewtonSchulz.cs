using System;
using Descent.Core;
using Descent.Fused;
using static TorchSharp.torch;

namespace Descent.Orthogonalization;

/// <summary>
/// Newton–Schulz orthogonalization: approximates the polar factor U·Vᵀ of G = U·S·Vᵀ with matrix products only
/// (Bernstein &amp; Newhouse, "Old Optimizer, New Norm: An Anthology", 2024; Jordan et al., Muon, 2024). The input is
/// pre-normalized (<see cref="PreNormalization"/>), turned to its wide side so the Gram matrix X·Xᵀ is the smaller
/// one, then each iteration applies X ← a·X + (b·A + c·A²)·X with A = X·Xᵀ. Inputs of shape (…, m, n) are a batch of
/// matrices of one shape, done in one chain of batched products (<see cref="NewtonSchulzBatch"/> stacks matrices into
/// such batches). The result has the input's shape and dtype.
/// </summary>
public sealed class NewtonSchulz
{
    private const int PowerIterations = 10;


    /// <summary>Creates an orthogonalizer.</summary>
    /// <param name="coefficients">The polynomial coefficients (default: Keller's quintic).</param>
    /// <param name="steps">Iterations (default: the set's <see cref="NewtonSchulzCoefficients.Steps"/>), ≥ 1.</param>
    /// <param name="preNormalization">How the input is scaled first (default: Frobenius).</param>
    /// <param name="epsilon">ε &gt; 0 added to the norm (Frobenius, spectral) or bounding the AOL row sums from below.</param>
    /// <param name="computeType">The dtype of the iteration: BFloat16 (as Keller's Muon), Float32 or Float64.</param>
    public NewtonSchulz(NewtonSchulzCoefficients? coefficients = null, int? steps = null,
        PreNormalization preNormalization = PreNormalization.Frobenius, double epsilon = 1e-7,
        ScalarType computeType = ScalarType.BFloat16)
    {
        Coefficients = coefficients ?? NewtonSchulzCoefficients.KellerQuintic;
        Steps = steps ?? Coefficients.Steps;
        Hyperparameter.AtLeast(nameof(steps), Steps, 1);
        Hyperparameter.Defined(nameof(preNormalization), preNormalization);
        Hyperparameter.Positive(nameof(epsilon), epsilon);
        if (computeType is not (ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64)) {
            throw Hyperparameter.OutOfRange(nameof(computeType), computeType.ToString(), "{BFloat16, Float32, Float64}");
        }
        PreNormalization = preNormalization;
        Epsilon = epsilon;
        ComputeType = computeType;
    }

    /// <summary>Keller Jordan's Muon orthogonalizer: quintic ×5, Frobenius, ε = 1e-7, bf16 (optimizer-specs §16).</summary>
    public static NewtonSchulz Muon(ScalarType computeType = ScalarType.BFloat16) =>
        new(NewtonSchulzCoefficients.KellerQuintic, 5, PreNormalization.Frobenius, 1e-7, computeType);

    /// <summary>
    /// Turbo-Muon's orthogonalizer (Boissin et al., "Turbo-Muon", 2025; optimizer-specs §20): AOL pre-scaling, then
    /// the last four triples of Dion's schedule (one iteration fewer than the 5-step schedule), ε = 1e-6.
    /// </summary>
    public static NewtonSchulz Turbo(ScalarType computeType = ScalarType.BFloat16) =>
        new(NewtonSchulzCoefficients.Dion.Skip(1), 4, PreNormalization.Aol, 1e-6, computeType);

    /// <summary>The polynomial coefficients.</summary>
    public NewtonSchulzCoefficients Coefficients { get; }

    /// <summary>The number of iterations.</summary>
    public int Steps { get; }

    /// <summary>How the input is scaled before iterating.</summary>
    public PreNormalization PreNormalization { get; }

    /// <summary>The ε of the pre-normalization.</summary>
    public double Epsilon { get; }

    /// <summary>The dtype the iteration runs in.</summary>
    public ScalarType ComputeType { get; }

    /// <summary>Orthogonalizes a matrix (m, n) or a batch (…, m, n) of matrices of one shape.</summary>
    /// <param name="input">A floating-point tensor with at least two dimensions; it is not modified.</param>
    /// <returns>
    /// A new tensor of the input's shape and dtype whose singular values lie near 1 (see the coefficients); computed
    /// without autograd, so it does not require grad.
    /// </returns>
    public Tensor Orthogonalize(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() < 2 || !input.is_floating_point()) {
            throw new ArgumentException($"Newton–Schulz needs a floating-point matrix or batch of matrices; got {input.dtype} of shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        if (input.numel() == 0) {
            return input.detach().clone();
        }
        using var scope = NewDisposeScope();
        // The iteration runs in reused buffers, in place: outside autograd (an input that requires grad would
        // otherwise tie the buffers into its graph).
        using var noGrad = no_grad();
        using var scalars = new StepScalars();
        var tall = input.size(-2) > input.size(-1);
        var (rows, columns) = tall ? (input.size(-1), input.size(-2)) : (input.size(-2), input.size(-1));
        var work = WorkspacePool.Shared.Rent(input.numel() / (rows * columns), rows, columns, ComputeType, input.device);
        try {
            Load(work, input, tall);
            Iterate(work, Normalize(work, scalars), scalars);
            return Unload(work, input, tall).MoveToOuterDisposeScope();
        } finally {
            WorkspacePool.Shared.Return(work);
        }
    }

    /// <summary>
    /// The most bytes of iteration buffers kept between calls, shared by every instance (default 64 MiB). A call
    /// needs 2·r·c + 3·r² elements of the compute dtype per matrix (r ≤ c its sides), plus a float32 copy of the
    /// r·c ones for a tall float32 input. Kept buffers make repeated calls allocate only their result: without them
    /// libc trims and regrows the heap between calls, and the page faults cost up to 2× the matrix products
    /// (torchsharp-notes §3.5). The least recently used go first; 0 keeps none. Lowering it frees the excess at once.
    /// </summary>
    public static long WorkspaceBudgetBytes {
        get => WorkspacePool.Shared.BudgetBytes;
        set {
            Hyperparameter.AtLeast(nameof(WorkspaceBudgetBytes), value, 0L);
            WorkspacePool.Shared.BudgetBytes = value;
        }
    }

    /// <summary>Frees every iteration buffer kept between calls (see <see cref="WorkspaceBudgetBytes"/>).</summary>
    public static void ReleaseWorkspaces() => WorkspacePool.Shared.Clear();

    // X ← the input in the compute dtype; a tall matrix as its contiguous transpose, so that it is orthogonalized bit
    // for bit as its stored transpose would be: a batch may hold both (NewtonSchulzBatch), and products and norms
    // round by layout. A float32 input is transposed in float32 (the fast copy, see Transposition), then converted.
    private static void Load(NewtonSchulzWorkspace work, Tensor input, bool tall)
    {
        if (!tall) {
            Convert(input, work.X);
        } else if (input.dtype == ScalarType.Float32 && work.X.dtype != ScalarType.Float32) {
            Transposition.TransposeInto(input, work.Float32Staging);
            Convert(work.Float32Staging, work.X);
        } else {
            Transposition.TransposeInto(input, work.X);
        }
    }

    // The result, a new tensor of the input's shape and dtype, from X (transposed back when the input was tall).
    private static Tensor Unload(NewtonSchulzWorkspace work, Tensor input, bool tall)
    {
        var result = empty(input.shape, dtype: input.dtype, device: input.device);
        if (!tall) {
            Convert(work.X, result);
        } else if (input.dtype == ScalarType.Float32 && work.X.dtype != ScalarType.Float32) {
            Convert(work.X, work.Float32Staging);
            Transposition.TransposeInto(work.Float32Staging, result);
        } else {
            Transposition.TransposeInto(work.X, result);
        }
        return result;
    }

    // to ← from in to's dtype (same number of elements, read in from's shape); float32 ↔ bf16 as one C# pass on CPU.
    private static void Convert(Tensor from, Tensor to)
    {
        if (ConversionKernels.Supports(from, to)) {
            ConversionKernels.Copy(from, to);
            return;
        }
        using var view = to.view(from.shape);
        view.copy_(from);
    }

    // x ← x / d, d holding one divisor per matrix; one C# pass per matrix on CPU bf16/float32.
    private static void DivideEach(Tensor x, Tensor d)
    {
        if (ScaleKernels.Supports(x, x)) {
            ScaleKernels.DivideEach(x, d);
        } else {
            x.div_(d);
        }
    }

    // KellerJordan/Muon's order of operations, B = b·A + (c·A)·A and X = a·X + B·X, each product and sum rounded on
    // its own (in bf16 the rounding order moves singular values by up to ~0.2 near σ = 0.6), with every intermediate
    // in the workspace.
    private void Iterate(NewtonSchulzWorkspace work, bool gramReady, StepScalars scalars)
    {
        for (var k = 0; k < Steps; k++) {
            var (a, b, c) = Coefficients.At(k);
            if (k > 0 || !gramReady) {
                work.GramProduct();
            }
            Scale(c, work.Gram, work.Scaled, scalars);
            work.PolynomialProduct();
            ScaleAdd(b, work.Gram, work.Polynomial, scalars);
            work.NextProduct();
            ScaleAdd(a, work.X, work.Next, scalars);
            work.Advance();
        }
    }

    // into ← s·x, rounded as x.mul(s) rounds it; on CPU bf16/float32 one C# pass.
    private static void Scale(double s, Tensor x, Tensor into, StepScalars scalars)
    {
        if (ScaleKernels.Supports(x, into)) {
            ScaleKernels.Scale(s, x, into);
        } else {
            into.copy_(x).mul_(scalars[s]);
        }
    }

    // y ← s·x + y, rounded as x.mul(s).add_(y) rounds it; on CPU bf16/float32 one C# pass (bit for bit the same).
    private static void ScaleAdd(double s, Tensor x, Tensor y, StepScalars scalars)
    {
        if (ScaleKernels.Supports(x, y)) {
            ScaleKernels.ScaleAdd(s, x, y);
            return;
        }
        using var sum = x.mul(scalars[s]).add_(y);
        y.copy_(sum);
    }

    // Scales X in place so that σ_max ≤ 1 (about). AOL also leaves the scaled Gram matrix in the workspace for the
    // first iteration to reuse, and says so.
    private bool Normalize(NewtonSchulzWorkspace work, StepScalars scalars)
    {
        var x = work.X;
        var safety = scalars[Coefficients.NormalizationSafety];
        var epsilon = scalars[Epsilon];
        switch (PreNormalization) {
            case PreNormalization.Frobenius:
                var frobenius = linalg.vector_norm(x, 2, new long[] { -2, -1 }, keepdim: true);
                DivideEach(x, frobenius.mul_(safety).add_(epsilon));
                return false;
            case PreNormalization.Spectral:
                DivideEach(x, SpectralNormEstimate(x).mul_(safety).add_(epsilon));
                return false;
            default:
                work.GramProduct();
                var gram = work.Gram;
                var rowSums = work.Scaled.copy_(gram).abs_().sum(-1).clamp_min(epsilon);
                // libtorch's vectorized bf16 rsqrt rounds differently from its scalar loop (which takes the tail of a
                // row of elements), so a matrix's scale would depend on its place in a batch; float32's rsqrt is
                // exact in both, and rounding its result to bf16 gives what the scalar bf16 loop gives.
                var rowScale = rowSums.dtype == ScalarType.BFloat16
                    ? rowSums.to(ScalarType.Float32).rsqrt_().to(ScalarType.BFloat16)
                    : rowSums.rsqrt_();
                gram.mul_(rowScale.unsqueeze(-1)).mul_(rowScale.unsqueeze(-2));
                x.mul_(rowScale.unsqueeze(-1));
                return true;
        }
    }

    // Power iteration on A = X·Xᵀ from the vector of squared row norms; returns σ ≈ √λmax(A) with shape (…, 1, 1).
    // Runs in at least float32, so a bf16 iteration still gets a steady estimate.
    private static Tensor SpectralNormEstimate(Tensor x)
    {
        var gram = x.matmul(x.transpose(-2, -1));
        if (gram.dtype == ScalarType.BFloat16) {
            gram = gram.to(ScalarType.Float32);
        }
        var v = gram.diagonal(0, -2, -1).unsqueeze(-1);
        for (var i = 0; i < PowerIterations; i++) {
            v = gram.matmul(v);
            v = v.div(linalg.vector_norm(v, 2, new long[] { -2 }, keepdim: true).clamp_min(1e-30));
        }
        var rayleigh = v.transpose(-2, -1).matmul(gram).matmul(v);
        return rayleigh.clamp_min(0).sqrt_().to(x.dtype);
    }
}
