using System.Collections.Generic;
using Descent.Orthogonalization;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Descent.Tests.Orthogonalization;

/// <summary>
/// <see cref="NewtonSchulz.Orthogonalize"/> (reused buffers, products written in place, C# scaling passes, the
/// blocked transposition) against the plain form written here with libtorch's allocating operations in
/// KellerJordan/Muon's order: the same bits for Frobenius and AOL pre-normalization, bf16, float32 and float64
/// compute, wide, tall, batched and stacked inputs, batches of matrices below and above the size from which products
/// are written in place, and on repeated calls (the buffers carry nothing over).
/// </summary>
public class NewtonSchulzReferenceFormTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (var (name, dtype) in new[] { ("muon", ScalarType.BFloat16), ("turbo", ScalarType.BFloat16),
                     ("muon", ScalarType.Float32), ("turbo", ScalarType.Float32), ("muon", ScalarType.Float64) }) {
            yield return new object[] { name, dtype };
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OrthogonalizeEqualsThePlainFormBitForBit(string name, ScalarType computeType)
    {
        TorchSetup.Deterministic();
        var ns = name == "muon" ? NewtonSchulz.Muon(computeType) : NewtonSchulz.Turbo(computeType);
        using var generator = new Generator(11);
        var shapes = new[] { new long[] { 48, 80 }, new long[] { 80, 48 }, new long[] { 3, 40, 40 }, new long[] { 2, 2, 24, 36 }, new long[] { 96, 96 }, new long[] { 2, 130, 260 }, new long[] { 2, 260, 130 } };
        foreach (var shape in shapes) {
            for (var call = 0; call < 2; call++) {
                var g = randn(shape, generator: generator);
                var expected = PlainForm(ns, g);
                var actual = ns.Orthogonalize(g);
                Assert.Equal(expected.shape, actual.shape);
                Assert.True(expected.eq(actual).all().ToBoolean(), $"{name} {computeType} [{string.Join(", ", shape)}] call {call}");
            }
        }
    }

    [Theory]
    [InlineData(32, 48)]
    [InlineData(48, 32)]
    public void ABFloat16InputIsLeftUnchanged(long rows, long columns)
    {
        using var generator = new Generator(12);
        var g = randn(new[] { rows, columns }, generator: generator).to(ScalarType.BFloat16);
        var copy = g.clone();
        var result = NewtonSchulz.Muon().Orthogonalize(g);
        Assert.True(g.eq(copy).all().ToBoolean());
        Assert.True(PlainForm(NewtonSchulz.Muon(), g).eq(result).all().ToBoolean());
    }

    [Fact]
    public void AnInputThatRequiresGradIsOrthogonalizedOutsideAutograd()
    {
        using var generator = new Generator(13);
        var g = randn(new long[] { 24, 40 }, generator: generator).requires_grad_();
        var first = NewtonSchulz.Muon().Orthogonalize(g);
        var second = NewtonSchulz.Muon().Orthogonalize(g);
        Assert.False(first.requires_grad);
        Assert.True(first.eq(second).all().ToBoolean());
        Assert.True(PlainForm(NewtonSchulz.Muon(), g.detach()).eq(first).all().ToBoolean());
    }

    [Fact]
    public void AnEmptyInputGivesAnEmptyResult()
    {
        var result = NewtonSchulz.Muon().Orthogonalize(zeros(0, 5));
        Assert.Equal(new long[] { 0, 5 }, result.shape);
    }

    // Keller's reference: X = G (as its transpose when tall) in the compute dtype, pre-normalized, then per step
    // A = X·Xᵀ, B = b·A + (c·A)·A, X = a·X + B·X, each operation rounded on its own.
    private static Tensor PlainForm(NewtonSchulz ns, Tensor g)
    {
        var tall = g.size(-2) > g.size(-1);
        var x = (tall ? g.transpose(-2, -1) : g).to(ns.ComputeType).contiguous();
        Tensor? gram = null;
        if (ns.PreNormalization == PreNormalization.Frobenius) {
            var norm = linalg.vector_norm(x, 2, new long[] { -2, -1 }, keepdim: true);
            x = x.div(norm.mul_(ns.Coefficients.NormalizationSafety).add_(ns.Epsilon));
        } else {
            gram = x.matmul(x.transpose(-2, -1));
            var rowSums = gram.abs().sum(-1).clamp_min(ns.Epsilon);
            var scale = rowSums.dtype == ScalarType.BFloat16
                ? rowSums.to(ScalarType.Float32).rsqrt_().to(ScalarType.BFloat16)
                : rowSums.rsqrt_();
            gram = gram.mul(scale.unsqueeze(-1)).mul(scale.unsqueeze(-2));
            x = x.mul(scale.unsqueeze(-1));
        }
        for (var k = 0; k < ns.Steps; k++) {
            var (a, b, c) = ns.Coefficients.At(k);
            var gramK = k == 0 && gram is not null ? gram : x.matmul(x.transpose(-2, -1));
            var polynomial = gramK.mul(b).add_(gramK.mul(c).matmul(gramK));
            x = x.mul(a).add_(polynomial.matmul(x));
        }
        return (tall ? x.transpose(-2, -1) : x).to(g.dtype).contiguous();
    }
}
