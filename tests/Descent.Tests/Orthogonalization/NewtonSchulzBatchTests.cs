using System;
using System.Linq;
using Descent.Orthogonalization;
using Descent.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace Descent.Tests.Orthogonalization;

/// <summary>
/// <see cref="NewtonSchulzBatch"/>: which matrices share a chain (settings, wide-side shape, dtype), and that a chain
/// gives each matrix its own result: bit for bit with Frobenius and AOL pre-normalization, within rounding with the
/// spectral estimate.
/// </summary>
public class NewtonSchulzBatchTests
{
    [Fact]
    public void MatricesShareAChainOnlyWithTheSameSettingsWideShapeAndDtype()
    {
        var muon = NewtonSchulz.Muon();
        var sameSettings = NewtonSchulz.Muon();
        var fewerSteps = new NewtonSchulz(NewtonSchulzCoefficients.KellerQuintic, 3);
        var batch = new NewtonSchulzBatch();
        batch.Add(muon, zeros(4, 6));                                  // 0
        batch.Add(sameSettings, zeros(6, 4));                          // 1: transposed, same chain as 0
        batch.Add(muon, zeros(4, 6, dtype: ScalarType.Float64));       // 2: another dtype
        batch.Add(fewerSteps, zeros(4, 6));                            // 3: other settings
        batch.Add(muon, zeros(4, 7));                                  // 4: another shape
        batch.Add(muon, zeros(4, 6));                                  // 5
        var plan = batch.Plan().Select(chain => chain.ToArray()).ToArray();
        Assert.Equal(new[] { new[] { 0, 1, 5 }, new[] { 2 }, new[] { 3 }, new[] { 4 } }, plan);
    }

    [Fact]
    public void AGroupLargerThanTheByteBudgetIsSplitIntoConsecutiveChains()
    {
        // (4 × 6) is 96 bytes in the float32 compute dtype: a 200-byte budget takes two matrices per chain.
        var ns = new NewtonSchulz(computeType: ScalarType.Float32);
        var batch = new NewtonSchulzBatch(maxChainBytes: 200);
        foreach (var m in new[] { zeros(4, 6), zeros(6, 4), zeros(4, 6), zeros(4, 6), zeros(4, 6), zeros(40, 60) }) {
            batch.Add(ns, m);
        }
        var plan = batch.Plan().Select(chain => chain.ToArray()).ToArray();
        Assert.Equal(new[] { new[] { 0, 1 }, new[] { 2, 3 }, new[] { 4 }, new[] { 5 } }, plan);
        Assert.Throws<ArgumentException>(() => new NewtonSchulzBatch(0));
    }

    [Theory]
    [InlineData(PreNormalization.Frobenius, ScalarType.BFloat16)]
    [InlineData(PreNormalization.Frobenius, ScalarType.Float32)]
    [InlineData(PreNormalization.Frobenius, ScalarType.Float64)]
    [InlineData(PreNormalization.Aol, ScalarType.BFloat16)]
    [InlineData(PreNormalization.Aol, ScalarType.Float32)]
    public void AChainGivesEachMatrixItsOwnResultBitForBit(PreNormalization normalization, ScalarType computeType)
    {
        TorchSetup.Deterministic(11);
        var ns = new NewtonSchulz(NewtonSchulzCoefficients.PolarExpress, preNormalization: normalization, computeType: computeType);
        var matrices = new[] { randn(24, 40), randn(40, 24), randn(24, 40), randn(24, 40, dtype: ScalarType.Float64), randn(40, 24), randn(7, 9) };
        var batch = new NewtonSchulzBatch();
        foreach (var m in matrices) {
            batch.Add(ns, m);
        }
        Assert.Equal(3, batch.Plan().Count);
        var results = batch.Run();
        for (var i = 0; i < matrices.Length; i++) {
            var alone = ns.Orthogonalize(matrices[i]);
            Assert.Equal(alone.shape, results[i].shape);
            Assert.Equal(alone.dtype, results[i].dtype);
            Assert.True(alone.eq(results[i]).all().item<bool>(), $"matrix {i} differs by {alone.to(ScalarType.Float64).sub(results[i].to(ScalarType.Float64)).abs().max().item<double>()}");
        }
    }

    [Fact]
    public void SpectralPreNormalizationAgreesWithinRounding()
    {
        // The power iteration's batched matrix–vector products round differently from one matrix's: ~1e-7 in float32.
        TorchSetup.Deterministic(12);
        var ns = new NewtonSchulz(preNormalization: PreNormalization.Spectral, computeType: ScalarType.Float32);
        var matrices = Enumerable.Range(0, 4).Select(_ => randn(24, 40)).ToArray();
        var batch = new NewtonSchulzBatch();
        foreach (var m in matrices) {
            batch.Add(ns, m);
        }
        var results = batch.Run();
        for (var i = 0; i < matrices.Length; i++) {
            Vectors.AssertClose(Vectors.Values(ns.Orthogonalize(matrices[i])), results[i], 1e-5);
        }
    }

    [Fact]
    public void ATallMatrixIsOrthogonalizedBitForBitAsItsStoredTranspose()
    {
        TorchSetup.Deterministic(13);
        var g = randn(30, 12);
        var ns = new NewtonSchulz(computeType: ScalarType.Float32);
        Assert.True(ns.Orthogonalize(g).eq(ns.Orthogonalize(g.t().contiguous()).t()).all().item<bool>());
    }

    [Fact]
    public void RejectsWhatIsNotAFloatingPointMatrix()
    {
        var batch = new NewtonSchulzBatch();
        Assert.Throws<ArgumentException>(() => batch.Add(NewtonSchulz.Muon(), zeros(2, 3, 4)));
        Assert.Throws<ArgumentException>(() => batch.Add(NewtonSchulz.Muon(), zeros(2, 3, dtype: ScalarType.Int64)));
        Assert.Empty(batch.Run());
    }
}
