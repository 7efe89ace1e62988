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
    /// <returns>A new tensor of the input's shape and dtype whose singular values lie near 1 (see the coefficients).</returns>
    public Tensor Orthogonalize(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() < 2 || !input.is_floating_point()) {
            throw new ArgumentException($"Newton–Schulz needs a floating-point matrix or batch of matrices; got {input.dtype} of shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        using var scope = NewDisposeScope();
        using var scalars = new StepScalars();
        var tall = input.size(-2) > input.size(-1);
        // A tall matrix is iterated as its contiguous transpose, so that it is orthogonalized bit for bit as its
        // stored transpose would be: a batch may hold both (NewtonSchulzBatch), and products and norms round by layout.
        var converted = Transposition.Converted(input, ComputeType, tall);
        var (x, gram) = Normalize(converted, scalars);
        converted.Dispose();
        // Each temporary is freed as soon as it is used, not at the scope's end: five iterations' worth of live
        // matrices grow the native heap, which libc then trims and regrows on every call (page faults that cost up to
        // half the products' time here, torchsharp-notes §3.5); freed at once, the next allocation reuses the block.
        for (var k = 0; k < Steps; k++) {
            var (a, b, c) = Coefficients.At(k);
            var gramK = k == 0 && gram is not null ? gram : x.matmul(x.transpose(-2, -1));
            // KellerJordan/Muon's order of operations, B = b·A + (c·A)·A and X = a·X + B·X, each product and sum
            // rounded on its own: in bf16 the rounding order moves singular values by up to ~0.2 near σ = 0.6.
            var polynomial = ScaleAdd(b, gramK, ScaledProduct(c, gramK, scalars), scalars);
            gramK.Dispose();
            var next = ScaleAdd(a, x, polynomial.matmul(x), scalars);
            polynomial.Dispose();
            x.Dispose();
            x = next;
        }
        return Transposition.Converted(x, input.dtype, tall).contiguous().MoveToOuterDisposeScope();
    }

    // (s·A)·A, the scaled copy rounded as A.mul(s) rounds it; on CPU bf16/float32 the scaling is one C# pass.
    private static Tensor ScaledProduct(double s, Tensor a, StepScalars scalars)
    {
        using var scaled = ScaleKernels.Supports(a, a) ? Scaled(s, a) : a.mul(scalars[s]);
        return scaled.matmul(a);
    }

    private static Tensor Scaled(double s, Tensor a)
    {
        var scaled = empty_like(a);
        ScaleKernels.Scale(s, a, scaled);
        return scaled;
    }

    // s·x + y, rounded as x.mul(s).add_(y) rounds it, consuming y; on CPU bf16/float32 one C# pass into y (bit for
    // bit the same).
    private static Tensor ScaleAdd(double s, Tensor x, Tensor y, StepScalars scalars)
    {
        if (ScaleKernels.Supports(x, y)) {
            ScaleKernels.ScaleAdd(s, x, y);
            return y;
        }
        var sum = x.mul(scalars[s]).add_(y);
        y.Dispose();
        return sum;
    }

    // Scales X so that σ_max ≤ 1 (about); AOL also returns the scaled Gram matrix for the first iteration to reuse.
    private (Tensor X, Tensor? Gram) Normalize(Tensor x, StepScalars scalars)
    {
        var safety = scalars[Coefficients.NormalizationSafety];
        var epsilon = scalars[Epsilon];
        switch (PreNormalization) {
            case PreNormalization.Frobenius:
                var frobenius = linalg.vector_norm(x, 2, new long[] { -2, -1 }, keepdim: true);
                return (x.div(frobenius.mul_(safety).add_(epsilon)), null);
            case PreNormalization.Spectral:
                return (x.div(SpectralNormEstimate(x).mul_(safety).add_(epsilon)), null);
            default:
                var gram = x.matmul(x.transpose(-2, -1));
                var rowSums = gram.abs().sum(-1).clamp_min(epsilon);
                // libtorch's vectorized bf16 rsqrt rounds differently from its scalar loop (which takes the tail of a
                // row of elements), so a matrix's scale would depend on its place in a batch; float32's rsqrt is
                // exact in both, and rounding its result to bf16 gives what the scalar bf16 loop gives.
                var rowScale = rowSums.dtype == ScalarType.BFloat16
                    ? rowSums.to(ScalarType.Float32).rsqrt_().to(ScalarType.BFloat16)
                    : rowSums.rsqrt_();
                var scaledGram = gram.mul_(rowScale.unsqueeze(-1)).mul_(rowScale.unsqueeze(-2));
                return (x.mul(rowScale.unsqueeze(-1)), scaledGram);
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
