using Descent.Fused;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Descent.Tests.Fused;

/// <summary>
/// The float32 ↔ bfloat16 copies against libtorch's conversion: the same bits on an odd size (vector part and tail),
/// over magnitudes from 1e-40 (subnormal) to 1e38, with NaN, ±∞ and values that round up to ∞, through the AVX-512
/// and the portable vector paths; and which pairs of tensors they take.
/// </summary>
public class ConversionKernelsTests
{
    [Theory]
    [InlineData(ScalarType.Float32, ScalarType.BFloat16, true)]
    [InlineData(ScalarType.Float32, ScalarType.BFloat16, false)]
    [InlineData(ScalarType.BFloat16, ScalarType.Float32, true)]
    [InlineData(ScalarType.BFloat16, ScalarType.Float32, false)]
    public void CopyMatchesLibtorchBitForBit(ScalarType from, ScalarType to, bool avx512)
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(8);
        const int n = 100_003;
        var magnitudes = pow(10.0, randint(-40, 39, n, dtype: ScalarType.Float32, generator: generator));
        var source = randn(n, generator: generator) * magnitudes;
        source[3] = float.NaN;
        source[4] = float.NegativeInfinity;
        source[5] = 3.4e38f;
        source[n - 1] = -0.0f;
        source = source.to(from);
        var expected = source.to(to);
        var target = empty(n, dtype: to);
        Assert.True(ConversionKernels.Supports(source, target));
        BFloat16Bits.UseAvx512 = avx512;
        try {
            ConversionKernels.Copy(source, target);
        } finally {
            BFloat16Bits.UseAvx512 = true;
        }
        var (e, a) = (expected.to(ScalarType.Float64), target.to(ScalarType.Float64));
        var same = e.eq(a).logical_and_(e.signbit().eq(a.signbit())).logical_or_(e.isnan().logical_and_(a.isnan()));
        Assert.True(same.all().ToBoolean(), $"{same.logical_not().sum().ToInt64()} of {n} differ");
    }

    [Fact]
    public void OnlyContiguousFloat32AndBFloat16PairsOfOneSizeAreTaken()
    {
        var f32 = zeros(4, 6);
        Assert.True(ConversionKernels.Supports(f32, zeros(24, dtype: ScalarType.BFloat16)));
        Assert.False(ConversionKernels.Supports(f32, zeros(4, 6)));
        Assert.False(ConversionKernels.Supports(f32, zeros(4, 6, dtype: ScalarType.Float64)));
        Assert.False(ConversionKernels.Supports(f32.t(), zeros(6, 4, dtype: ScalarType.BFloat16)));
        Assert.False(ConversionKernels.Supports(f32, zeros(5, 6, dtype: ScalarType.BFloat16)));
    }
}
