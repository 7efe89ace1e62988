using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Descent.Orthogonalization;

/// <summary>
/// Orthogonalizes many matrices in as few Newton–Schulz chains as possible: matrices are <see cref="Add"/>ed one by
/// one, each with its orthogonalizer, and <see cref="Run"/> stacks those that can share a chain into one batch
/// (k, m, n), orthogonalizes each batch in one batched call of <see cref="NewtonSchulz.Orthogonalize"/>, and hands the
/// results back one per matrix, in the order added. Matrices share a chain when their orthogonalizers have the same
/// settings (the same coefficient object, iterations, pre-normalization, ε and compute dtype) and, taken on their wide
/// side (a tall matrix as its transpose, which Newton–Schulz works on anyway), they have one shape, dtype and device.
/// </summary>
/// <remarks>
/// One batched chain replaces k chains of small products and element-wise kernels, which saves the per-call overhead
/// that dominates for small matrices (see <see cref="MaxChainBytes"/>). With Frobenius or AOL pre-normalization a
/// batch gives each matrix's own result bit for bit on CPU with one intra-op thread (each product and norm of the
/// batch is that matrix's own); the spectral estimate's power iteration runs as batched matrix–vector products,
/// which round differently (about 1e-7 relative in float32).
/// Coefficient sets are compared by reference: the presets are single objects, and two equal sets built apart are
/// merely not batched together.
/// </remarks>
public sealed class NewtonSchulzBatch
{
    /// <summary>The default <see cref="MaxChainBytes"/>: 128 KiB (2¹⁶ bf16 entries, 2¹⁵ float32 entries).</summary>
    public const long DefaultMaxChainBytes = 128L << 10;

    private readonly List<(NewtonSchulz Orthogonalizer, Tensor Matrix)> _matrices = new();

    /// <summary>Creates an empty batch.</summary>
    /// <param name="maxChainBytes">
    /// The most bytes one chain's stacked matrices may take in the compute dtype (at least one matrix per chain); a
    /// larger group is split into consecutive chains of that size.
    /// </param>
    public NewtonSchulzBatch(long maxChainBytes = DefaultMaxChainBytes)
    {
        Core.Hyperparameter.AtLeast(nameof(maxChainBytes), maxChainBytes, 1);
        MaxChainBytes = maxChainBytes;
    }

    /// <summary>
    /// The most bytes a chain's stacked matrices take in the compute dtype (the dtype of every tensor its iterations
    /// allocate). Stacking pays where many small products and element-wise kernels each cost more in per-call
    /// overhead than in arithmetic; for large matrices the products dominate, and large iterates cost more to
    /// allocate and keep in cache. Measured on the development machine (CPU, one thread, a Muon step with bf16
    /// Newton–Schulz, median thread CPU time of 21 steps, two runs): 72 matrices of 64 × 128 and 32 × 32 took 31 and
    /// 34 ms one by one, 13 and 14 ms in chains of up to 128 KiB (11 and 13 ms with 256 KiB); 24 matrices of
    /// 256 × 256 took the same with 128 KiB (one per chain), but up to 1.16× as long in 256 KiB chains of two, and
    /// 1 MiB chains made 512 × 512 and 256 × 256 matrices 1.6× and 2.3× slower; hence the small default. Other
    /// machines, and GPUs, may want more.
    /// </summary>
    public long MaxChainBytes { get; }

    /// <summary>The number of matrices added.</summary>
    public int Count => _matrices.Count;

    /// <summary>Adds a matrix to orthogonalize.</summary>
    /// <param name="orthogonalizer">The orthogonalizer for this matrix.</param>
    /// <param name="matrix">A floating-point (m × n) matrix; it is not modified.</param>
    /// <returns>The matrix's index in the result of <see cref="Run"/>.</returns>
    public int Add(NewtonSchulz orthogonalizer, Tensor matrix)
    {
        ArgumentNullException.ThrowIfNull(orthogonalizer);
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.dim() != 2 || !matrix.is_floating_point()) {
            throw new ArgumentException($"A Newton–Schulz batch takes floating-point matrices; got {matrix.dtype} of shape [{string.Join(", ", matrix.shape)}].", nameof(matrix));
        }
        _matrices.Add((orthogonalizer, matrix));
        return _matrices.Count - 1;
    }

    /// <summary>
    /// The chains <see cref="Run"/> performs: the indices of the matrices each one orthogonalizes, in the order of
    /// their first matrix.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> Plan() =>
        _matrices.Select((entry, index) => (Key: KeyOf(entry.Orthogonalizer, entry.Matrix), Index: index))
            .GroupBy(e => e.Key, e => e.Index)
            .SelectMany(g => g.Chunk(ChainLength(g.Key)))
            .Select(chain => (IReadOnlyList<int>)chain)
            .ToList();

    /// <summary>Orthogonalizes every matrix added, one chain per group of <see cref="Plan"/>.</summary>
    /// <returns>One tensor per matrix, in the order added, each of its matrix's shape and dtype.</returns>
    public Tensor[] Run()
    {
        var results = new Tensor[_matrices.Count];
        foreach (var chain in Plan()) {
            var orthogonalizer = _matrices[chain[0]].Orthogonalizer;
            if (chain.Count == 1) {
                results[chain[0]] = orthogonalizer.Orthogonalize(_matrices[chain[0]].Matrix);
                continue;
            }
            using var scope = NewDisposeScope();
            var stacked = stack(chain.Select(i => WideSide(_matrices[i].Matrix)).ToArray());
            var orthogonalized = orthogonalizer.Orthogonalize(stacked);
            for (var k = 0; k < chain.Count; k++) {
                var matrix = _matrices[chain[k]].Matrix;
                var result = IsTall(matrix) ? orthogonalized[k].mT.contiguous() : orthogonalized[k];
                results[chain[k]] = result.MoveToOuterDisposeScope();
            }
        }
        return results;
    }

    // How many matrices of a group one chain takes: as many as fit in MaxChainBytes, at least one.
    private int ChainLength(ChainKey key)
    {
        var bytes = key.Rows * key.Cols * ElementBytes(key.ComputeType);
        return (int)Math.Clamp(MaxChainBytes / Math.Max(1, bytes), 1, int.MaxValue);
    }

    private static long ElementBytes(ScalarType type) => type switch {
        ScalarType.BFloat16 or ScalarType.Float16 => 2,
        ScalarType.Float32 => 4,
        _ => 8,
    };

    private static bool IsTall(Tensor matrix) => matrix.size(0) > matrix.size(1);

    private static Tensor WideSide(Tensor matrix) => IsTall(matrix) ? matrix.mT : matrix;

    private static ChainKey KeyOf(NewtonSchulz orthogonalizer, Tensor matrix)
    {
        var (rows, cols) = (matrix.size(0), matrix.size(1));
        var device = matrix.device;
        return new ChainKey(orthogonalizer.Coefficients, orthogonalizer.Steps, orthogonalizer.PreNormalization,
            orthogonalizer.Epsilon, orthogonalizer.ComputeType, matrix.dtype, device.type, device.index,
            Math.Min(rows, cols), Math.Max(rows, cols));
    }

    // What must agree for two matrices to share one batched chain.
    private readonly record struct ChainKey(
        NewtonSchulzCoefficients Coefficients, int Steps, PreNormalization PreNormalization, double Epsilon,
        ScalarType ComputeType, ScalarType DType, DeviceType DeviceType, int DeviceIndex, long Rows, long Cols);
}
