using System.Linq;
using Descent.Fused;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Descent.Tests.Fused;

/// <summary>
/// Newton–Schulz's fused s·x + y against libtorch's <c>x.mul(s).add_(y)</c>: the same bits in bfloat16 (the product
/// rounded to bfloat16 before the sum) and in float32, on odd sizes (vector part and scalar tail), over magnitudes
/// from 1e-30 to 1e30, with NaN and ±∞, on one and two threads.
/// </summary>
public class ScaleAddKernelTests
{
    [Theory]
    [InlineData(ScalarType.BFloat16, -4.7750, 1)]
    [InlineData(ScalarType.BFloat16, 3.4445, 2)]
    [InlineData(ScalarType.BFloat16, 2.0315, 1)]
    [InlineData(ScalarType.Float32, -4.7750, 1)]
    [InlineData(ScalarType.Float32, 1.8923, 2)]
    public void MatchesLibtorchBitForBit(ScalarType dtype, double scale, int threads)
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(5);
        const int n = 300_007;
        var magnitudes = pow(10.0, randint(-30, 31, n, dtype: ScalarType.Float32, generator: generator));
        var x = (randn(n, generator: generator) * magnitudes).to(dtype);
        var y = (randn(n, generator: generator) * magnitudes.flip(0)).to(dtype);
        x[17] = float.NaN;
        x[18] = float.PositiveInfinity;
        y[19] = float.NegativeInfinity;
        x[n - 1] = 3.3e38f;
        var expected = x.mul(scale).add_(y);
        set_num_threads(threads);
        try {
            Assert.True(ScaleAddKernel.Supports(x, y));
            ScaleAddKernel.Run(scale, x, y);
        } finally {
            set_num_threads(1);
        }
        // float32 holds every bfloat16 exactly, so equal values, equal signs (±0) and NaN where NaN mean the same bits.
        var (e, a) = (expected.to(ScalarType.Float32), y.to(ScalarType.Float32));
        var same = e.eq(a).logical_and_(e.signbit().eq(a.signbit())).logical_or_(e.isnan().logical_and_(a.isnan()));
        Assert.True(same.all().ToBoolean(), $"{same.logical_not().sum().ToInt64()} of {n} differ");
    }
}
