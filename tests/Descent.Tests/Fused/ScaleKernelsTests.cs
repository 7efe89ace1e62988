using System.Linq;
using Descent.Fused;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Descent.Tests.Fused;

/// <summary>
/// Newton–Schulz's C# passes against libtorch: s·x against <c>x.mul(s)</c>, s·x + y against <c>x.mul(s).add_(y)</c>
/// and the per-matrix division against <c>x.div(d)</c>, the same bits in bfloat16 (the product rounded to bfloat16 before the sum) and in float32,
/// on odd sizes (vector part and scalar tail), over magnitudes from 1e-30 to 1e30, with NaN and ±∞, on one and two
/// threads, through the AVX-512 and the portable vector paths.
/// </summary>
public class ScaleKernelsTests
{
    [Theory]
    [InlineData(ScalarType.BFloat16, -4.7750, 1, true)]
    [InlineData(ScalarType.BFloat16, -4.7750, 1, false)]
    [InlineData(ScalarType.BFloat16, 3.4445, 2, true)]
    [InlineData(ScalarType.BFloat16, 2.0315, 1, false)]
    [InlineData(ScalarType.Float32, -4.7750, 1, true)]
    [InlineData(ScalarType.Float32, -4.7750, 1, false)]
    [InlineData(ScalarType.Float32, 1.8923, 2, true)]
    public void ScaleAddMatchesLibtorchBitForBit(ScalarType dtype, double scale, int threads, bool avx512)
    {
        var (x, y) = Inputs(dtype);
        var expected = x.mul(scale).add_(y);
        OnThreads(threads, avx512, () => {
            Assert.True(ScaleKernels.Supports(x, y));
            ScaleKernels.ScaleAdd(scale, x, y);
        });
        AssertSameBits(expected, y);
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, 2.0315, 1, true)]
    [InlineData(ScalarType.BFloat16, 2.0315, 1, false)]
    [InlineData(ScalarType.BFloat16, -4.7750, 2, true)]
    [InlineData(ScalarType.Float32, 2.0315, 1, true)]
    [InlineData(ScalarType.Float32, 2.0315, 1, false)]
    [InlineData(ScalarType.Float32, -0.5, 2, true)]
    public void ScaleMatchesLibtorchBitForBit(ScalarType dtype, double scale, int threads, bool avx512)
    {
        var (x, into) = Inputs(dtype);
        var expected = x.mul(scale);
        OnThreads(threads, avx512, () => ScaleKernels.Scale(scale, x, into));
        AssertSameBits(expected, into);
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, 1, true)]
    [InlineData(ScalarType.BFloat16, 3, true)]
    [InlineData(ScalarType.BFloat16, 3, false)]
    [InlineData(ScalarType.Float32, 1, true)]
    [InlineData(ScalarType.Float32, 3, false)]
    public void DivideEachMatchesLibtorchBitForBit(ScalarType dtype, int matrices, bool avx512)
    {
        var (x, _) = Inputs(dtype);
        var batch = x.narrow(0, 0, matrices * 1001L).view(matrices, 11, 91).clone();
        using var generator = new Generator(6);
        var divisors = (rand(matrices, 1, 1, generator: generator) * 1e3 + 1e-3).to(dtype);
        divisors[0] = 3.1e-38f;
        var expected = batch.div(divisors);
        OnThreads(1, avx512, () => ScaleKernels.DivideEach(batch, divisors));
        AssertSameBits(expected, batch);
    }

    private const int N = 300_007;

    private static (Tensor X, Tensor Y) Inputs(ScalarType dtype)
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(5);
        const int n = N;
        var magnitudes = pow(10.0, randint(-30, 31, n, dtype: ScalarType.Float32, generator: generator));
        var x = (randn(n, generator: generator) * magnitudes).to(dtype);
        var y = (randn(n, generator: generator) * magnitudes.flip(0)).to(dtype);
        x[17] = float.NaN;
        x[18] = float.PositiveInfinity;
        y[19] = float.NegativeInfinity;
        x[n - 1] = 3.3e38f;
        x[n - 2] = -0.0f;
        return (x, y);
    }

    // avx512 false runs the portable Vector<T> path (on a CPU without AVX-512 both runs take it).
    private static void OnThreads(int threads, bool avx512, System.Action run)
    {
        set_num_threads(threads);
        BFloat16Bits.UseAvx512 = avx512;
        try {
            run();
        } finally {
            set_num_threads(1);
            BFloat16Bits.UseAvx512 = true;
        }
    }

    private static void AssertSameBits(Tensor expected, Tensor actual)
    {
        // float32 holds every bfloat16 exactly, so equal values, equal signs (±0) and NaN where NaN mean the same bits.
        var (e, a) = (expected.to(ScalarType.Float32), actual.to(ScalarType.Float32));
        var same = e.eq(a).logical_and_(e.signbit().eq(a.signbit())).logical_or_(e.isnan().logical_and_(a.isnan()));
        Assert.True(same.all().ToBoolean(), $"{same.logical_not().sum().ToInt64()} of {actual.numel()} differ");
    }
}
