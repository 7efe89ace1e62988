using Descent.Orthogonalization;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Descent.Tests.Orthogonalization;

/// <summary>
/// Newton–Schulz's fast transposing conversion against the one-copy form <c>t.transpose(-2, -1).to(dtype)</c>: the
/// same shape and bits, contiguous, for the dtype pairs it stages through float32 and the ones it does not, for one
/// matrix, batches, extra leading dims, matrices below and above libtorch's blocked-copy size, and a strided input.
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
            AssertSameBits(t.transpose(-2, -1).to(to).contiguous(), Transposition.Converted(t, to, transpose: true));
        }
    }

    [Fact]
    public void AStridedInputIsTransposedAsWell()
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(4);
        var strided = randn(new long[] { 2, 90, 140 }, generator: generator)[.., .., TensorIndex.Slice(step: 2)];
        AssertSameBits(strided.transpose(-2, -1).to(ScalarType.BFloat16).contiguous(),
            Transposition.Converted(strided, ScalarType.BFloat16, transpose: true));
    }

    [Fact]
    public void WithoutTransposeItIsAPlainConversion()
    {
        var t = arange(12, dtype: ScalarType.Float32).view(3, 4);
        var converted = Transposition.Converted(t, ScalarType.BFloat16, transpose: false);
        Assert.Equal(new long[] { 3, 4 }, converted.shape);
        Assert.True(converted.to(ScalarType.Float32).eq(t).all().ToBoolean());
    }

    private static void AssertSameBits(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.True(actual.is_contiguous());
        Assert.True(expected.to(ScalarType.Float64).eq(actual.to(ScalarType.Float64)).all().ToBoolean());
    }
}
