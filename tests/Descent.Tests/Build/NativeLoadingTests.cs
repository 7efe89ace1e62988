using System.IO;
using System.Linq;
using Descent.Build;
using TorchSharp;
using Xunit;

namespace Descent.Tests.Build;

/// <summary>The build's native-loading fix: TorchSharp loads and differentiates, and the ELF edit is exact.</summary>
public class NativeLoadingTests
{
    private const string Library = "libstdc++.so.6";
    private const string Version = "GLIBCXX_3.4.32";

    [Fact]
    public void TorchSharpLoadsAndRunsABackwardPass()
    {
        using var x = torch.tensor(new[] { 1.0, -2.0, 3.0 }, requires_grad: true);
        using var y = (x * x * x).sum();
        y.backward();
        using var grad = x.grad!;
        Assert.Equal(new[] { 3.0, 12.0, 27.0 }, grad.data<double>().ToArray());
    }

    [Fact]
    public void OutputCopyOfTheShimIsPatchedExactlyWhenTheSystemNeedsIt()
    {
        var shipped = ShippedShim();
        var output = Directory.EnumerateFiles(System.AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();
        var original = File.ReadAllBytes(shipped);
        var patched = File.ReadAllBytes(output);
        var system = SystemLibstdcxx.Locate();
        var needsPatch = system == null || !SystemLibstdcxx.Defines(system, Version);

        Assert.True(ElfVersionNeeds.RequiresStrongly(original, Library, Version), "the package's shim should need the version strongly");
        Assert.Equal(!needsPatch, ElfVersionNeeds.RequiresStrongly(patched, Library, Version));
        Assert.Equal(original.Length, patched.Length);
        Assert.Equal(needsPatch ? 1 : 0, original.Zip(patched).Count(pair => pair.First != pair.Second));
        Assert.True(ElfVersionNeeds.RequiresStrongly(File.ReadAllBytes(shipped), Library, Version), "the package cache must stay untouched");
    }

    [Fact]
    public void WeakeningIsIdempotentAndLeavesOtherFilesAlone()
    {
        var bytes = File.ReadAllBytes(ShippedShim());
        Assert.Equal(WeakenResult.Patched, ElfVersionNeeds.Weaken(bytes, Library, Version));
        Assert.Equal(WeakenResult.AlreadyWeak, ElfVersionNeeds.Weaken(bytes, Library, Version));
        Assert.Equal(WeakenResult.NotRequired, ElfVersionNeeds.Weaken(bytes, Library, "GLIBCXX_9.9.99"));
        Assert.Equal(WeakenResult.NotElf64, ElfVersionNeeds.Weaken(new byte[100], Library, Version));
        // A version the shim needs from another library is a different record.
        Assert.True(ElfVersionNeeds.RequiresStrongly(bytes, "libc.so.6", "GLIBC_2.34"));
    }

    private static string ShippedShim()
    {
        var packages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Directory.EnumerateFiles(Path.Combine(packages, "torchsharp"), "libLibTorchSharp.so", SearchOption.AllDirectories).First();
    }
}
