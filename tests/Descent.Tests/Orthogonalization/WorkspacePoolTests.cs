using System;
using Descent.Orthogonalization;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Descent.Tests.Orthogonalization;

/// <summary>
/// The Newton–Schulz workspaces kept between calls: reuse by shape, dtype and device, the byte budget (least recently
/// returned go first, one larger than the budget is not kept), and that repeated calls create no tensors.
/// </summary>
public class WorkspacePoolTests
{
    private static readonly Device Cpu = CPU;

    [Fact]
    public void AReturnedWorkspaceIsRentedAgainForItsKeyOnly()
    {
        var pool = new WorkspacePool(1L << 30);
        var first = pool.Rent(2, 8, 16, ScalarType.BFloat16, Cpu);
        pool.Return(first);
        Assert.NotSame(first, pool.Rent(2, 8, 12, ScalarType.BFloat16, Cpu));
        Assert.NotSame(first, pool.Rent(2, 8, 16, ScalarType.Float32, Cpu));
        Assert.Same(first, pool.Rent(2, 8, 16, ScalarType.BFloat16, Cpu));
        Assert.NotSame(first, pool.Rent(2, 8, 16, ScalarType.BFloat16, Cpu));
    }

    [Fact]
    public void TheBudgetFreesTheLeastRecentlyReturnedFirst()
    {
        // bf16 (1, 8, 16): 2·128 + 3·64 elements of 2 bytes = 896 bytes each.
        var pool = new WorkspacePool(2 * 896);
        var (a, b, c) = (pool.Rent(1, 8, 16, ScalarType.BFloat16, Cpu), pool.Rent(1, 8, 16, ScalarType.BFloat16, Cpu),
            pool.Rent(1, 8, 16, ScalarType.BFloat16, Cpu));
        Assert.Equal(896, a.Bytes);
        pool.Return(a);
        pool.Return(b);
        pool.Return(c);
        Assert.Equal(2 * 896, pool.KeptBytes);
        Assert.Same(c, pool.Rent(1, 8, 16, ScalarType.BFloat16, Cpu));
        Assert.Same(b, pool.Rent(1, 8, 16, ScalarType.BFloat16, Cpu));
        Assert.Equal(0, pool.KeptBytes);
    }

    [Fact]
    public void AWorkspaceLargerThanTheBudgetIsNotKeptAndEvictsNothing()
    {
        var pool = new WorkspacePool(1000);
        var small = pool.Rent(1, 8, 16, ScalarType.BFloat16, Cpu);
        pool.Return(small);
        pool.Return(pool.Rent(1, 64, 64, ScalarType.BFloat16, Cpu));
        Assert.Equal(896, pool.KeptBytes);
        Assert.Same(small, pool.Rent(1, 8, 16, ScalarType.BFloat16, Cpu));
    }

    [Fact]
    public void LoweringTheBudgetFreesTheExcess()
    {
        var pool = new WorkspacePool(1L << 20);
        pool.Return(pool.Rent(1, 8, 16, ScalarType.BFloat16, Cpu));
        pool.Return(pool.Rent(1, 8, 12, ScalarType.BFloat16, Cpu));
        pool.BudgetBytes = 0;
        Assert.Equal(0, pool.KeptBytes);
    }

    [Fact]
    public void RepeatedCallsCreateNoTensorsAndAZeroBudgetGivesTheSameBits()
    {
        TorchSetup.Deterministic();
        using var generator = new Generator(21);
        var g = randn(new long[] { 3, 40, 24 }, generator: generator);
        var ns = NewtonSchulz.Muon();
        var first = ns.Orthogonalize(g);
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (ns.Orthogonalize(g)) { }
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var budget = NewtonSchulz.WorkspaceBudgetBytes;
        try {
            NewtonSchulz.WorkspaceBudgetBytes = 0;
            Assert.True(first.eq(ns.Orthogonalize(g)).all().ToBoolean());
        } finally {
            NewtonSchulz.WorkspaceBudgetBytes = budget;
        }
    }

    [Fact]
    public void ANegativeBudgetIsRejectedNamingIt()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => NewtonSchulz.WorkspaceBudgetBytes = -1);
        Assert.Contains(nameof(NewtonSchulz.WorkspaceBudgetBytes), error.Message);
    }
}
