using System;
using static TorchSharp.torch;

namespace Descent.Orthogonalization;

/// <summary>
/// The buffers of one Newton–Schulz chain, reused from call to call: the iterate X and its successor, (B, r, c), and
/// the Gram matrix, its scaled copy and the polynomial, (B, r, r), with each matrix's 2-D view for the products.
/// Products of one matrix, or of matrices of at least <see cref="InPlaceElements"/> elements, are written in place
/// (<c>addmm_</c> with β = 0, libtorch's own <c>mm</c>, bit for bit); a call then allocates only its result and a few
/// scalars. Allocating the temporaries afresh each call made libc trim and regrow the native heap between calls: the
/// page faults cost up to 2× the products' own time here (torchsharp-notes §3.5), and a 256² bf16 product written in
/// place took 0.11 ms against 0.25 ms allocated. Batches of smaller matrices keep one batched product per step
/// (copied in), since each in-place call costs about 15 µs of fixed overhead: 16 products of 64² took 6× longer so.
/// </summary>
internal sealed class NewtonSchulzWorkspace : IDisposable
{
    /// <summary>The matrix size (r·c elements) from which a batch's products are written in place one by one.</summary>
    public const long InPlaceElements = 32_768;

    private readonly bool _inPlace;
    private readonly Matrices _gram;
    private readonly Matrices _scaled;
    private readonly Matrices _polynomial;
    private Tensor? _staging;
    private Matrices _x;
    private Matrices _next;

    public NewtonSchulzWorkspace(long batch, long rows, long columns, ScalarType dtype, Device device)
    {
        Key = (batch, rows, columns, dtype, device.ToString());
        _inPlace = batch == 1 || rows * columns >= InPlaceElements;
        _x = new Matrices(batch, rows, columns, dtype, device);
        _next = new Matrices(batch, rows, columns, dtype, device);
        _gram = new Matrices(batch, rows, rows, dtype, device);
        _scaled = new Matrices(batch, rows, rows, dtype, device);
        _polynomial = new Matrices(batch, rows, rows, dtype, device);
    }

    /// <summary>What the workspace fits: batch, rows, columns, dtype and device.</summary>
    public (long Batch, long Rows, long Columns, ScalarType DType, string Device) Key { get; }

    /// <summary>The bytes the buffers hold (the float32 staging buffer included once made).</summary>
    public long Bytes => X.ElementSize * (2 * X.numel() + 3 * Gram.numel()) + (_staging?.numel() ?? 0) * sizeof(float);

    /// <summary>The iterate X, (B, r, c).</summary>
    public Tensor X => _x.All;

    /// <summary>X's successor, written by <see cref="NextProduct"/>.</summary>
    public Tensor Next => _next.All;

    /// <summary>A float32 buffer of X's shape, made on first use: where a float32 matrix is transposed on its way in and out.</summary>
    public Tensor Float32Staging => _staging ??= empty(X.shape, dtype: ScalarType.Float32, device: X.device).DetachFromDisposeScope();

    /// <summary>A = X·Xᵀ, (B, r, r).</summary>
    public Tensor Gram => _gram.All;

    /// <summary>Scratch of A's shape: c·A, or |A| while pre-normalizing.</summary>
    public Tensor Scaled => _scaled.All;

    /// <summary>The polynomial B, (B, r, r).</summary>
    public Tensor Polynomial => _polynomial.All;

    /// <summary>Gram ← X·Xᵀ.</summary>
    public void GramProduct() => Product(_gram, _x, _x, transposeRight: true);

    /// <summary>Polynomial ← Scaled·Gram.</summary>
    public void PolynomialProduct() => Product(_polynomial, _scaled, _gram, transposeRight: false);

    /// <summary>Next ← Polynomial·X.</summary>
    public void NextProduct() => Product(_next, _polynomial, _x, transposeRight: false);

    /// <summary>Makes Next the iterate (and the old iterate the buffer the next product overwrites).</summary>
    public void Advance() => (_x, _next) = (_next, _x);

    public void Dispose()
    {
        foreach (var matrices in new[] { _x, _next, _gram, _scaled, _polynomial }) {
            matrices.Dispose();
        }
        _staging?.Dispose();
    }

    private void Product(Matrices into, Matrices left, Matrices right, bool transposeRight)
    {
        if (!_inPlace) {
            using var product = left.All.bmm(transposeRight ? right.AllTransposed : right.All);
            into.All.copy_(product);
            return;
        }
        var rights = transposeRight ? right.Transposed : right.Each;
        for (var i = 0; i < into.Each.Length; i++) {
            into.Each[i].addmm_(left.Each[i], rights[i], 0, 1);
        }
    }

    // A (B, r, c) buffer and its per-matrix views, all kept out of the caller's dispose scope: they outlive the call.
    private sealed class Matrices : IDisposable
    {
        public Matrices(long batch, long rows, long columns, ScalarType dtype, Device device)
        {
            All = empty(new[] { batch, rows, columns }, dtype: dtype, device: device).DetachFromDisposeScope();
            AllTransposed = All.transpose(1, 2).DetachFromDisposeScope();
            Each = new Tensor[batch];
            Transposed = new Tensor[batch];
            for (var i = 0; i < batch; i++) {
                Each[i] = All[i].DetachFromDisposeScope();
                Transposed[i] = Each[i].t().DetachFromDisposeScope();
            }
        }

        public Tensor All { get; }

        public Tensor AllTransposed { get; }

        public Tensor[] Each { get; }

        public Tensor[] Transposed { get; }

        public void Dispose()
        {
            foreach (var view in Each) {
                view.Dispose();
            }
            foreach (var view in Transposed) {
                view.Dispose();
            }
            AllTransposed.Dispose();
            All.Dispose();
        }
    }
}
