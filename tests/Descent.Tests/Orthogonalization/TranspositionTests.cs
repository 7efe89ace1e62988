using Descent.Orthogonalization;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Descent.Tests.Orthogonalization;

/// <summary>
/// Newton–Schulz's per-matrix transposing copy against the one-copy form <c>t.transpose(-2, -1).to(dtype)</c>: the
/// same bits for one dtype and across dtypes, for one matrix, batches, extra leading dims, matrices below and above
/// libtorch's blocked-copy size, and a strided input.
/// </summary>
public class TranspositionTests
{
    [Theory]
    [InlineData(ScalarType.Float32, ScalarType.BFloat16)]
    [InlineData(ScalarType.BFloat16, ScalarType.Float32)]
    [InlineData(ScalarType.Float32, ScalarType.Float32)]
    [InlineData(ScalarType.Float64, ScalarType.BFloat16)]
    [InlineData(ScalarType.BFloat16, ScalarType.BFloat16)]
    [InlineData(ScalarType.Float64, ScalarType.Float32)]
    public void TransposedConversionEqualsTheOneCopyForm(ScalarType from, ScalarType to)
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(3);
        foreach (var shape in new[] { new long[] { 130, 70 }, new long[] { 3, 97, 61 }, new long[] { 2, 2, 5, 3 } }) {
            var t = (randn(shape, generator: generator) * 1e3).to(from);
            AssertSameBits(t.transpose(-2, -1).to(to).contiguous(), Transposed(t, to));
        }
    }

    [Fact]
    public void AStridedInputIsTransposedAsWell()
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(4);
        var strided = randn(new long[] { 2, 90, 140 }, generator: generator)[.., .., TensorIndex.Slice(step: 2)];
        AssertSameBits(strided.transpose(-2, -1).to(ScalarType.Float32).contiguous(), Transposed(strided, ScalarType.Float32));
    }

    private static Tensor Transposed(Tensor t, ScalarType dtype)
    {
        var shape = t.shape;
        (shape[^2], shape[^1]) = (shape[^1], shape[^2]);
        var target = full(shape, double.NaN, dtype: dtype);
        Transposition.TransposeInto(t, target);
        return target;
    }

    private static void AssertSameBits(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.True(actual.is_contiguous());
        Assert.True(expected.to(ScalarType.Float64).eq(actual.to(ScalarType.Float64)).all().ToBoolean());
    }
}
