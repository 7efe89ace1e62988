using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Descent.Lab;
using Descent.Lab.Bench;
using Descent.Lab.Commands;
using Xunit;

namespace Descent.Tests.Lab.Bench;

/// <summary>
/// <c>descent bench</c>: the quick configuration runs every suite and writes bench.json with its fields; bad options
/// and bad compare files are usage errors. No assertion here depends on how fast anything is.
/// </summary>
public class BenchCommandTests
{
    [Fact]
    public void TheQuickRunPrintsTablesAndWritesBenchJsonWithTheFields()
    {
        using var scratch = new ScratchDirectory();
        var (code, output, error) = Run("bench", "--quick", "--out", scratch.Path);
        Assert.True(code == ExitCodes.Success, $"exit {code}: {error}");
        foreach (var text in new[] { "Optimizer step", "Descent Adam", "TorchSharp Adam", "Descent Muon", "Newton–Schulz", "HVP/gradient", "bench.json" }) {
            Assert.Contains(text, output);
        }
        var json = ReadBench(scratch.Path);
        Assert.Equal(BenchJson.Format, (string?)json["format"]);
        Assert.False(string.IsNullOrEmpty((string?)json["version"]));
        Assert.True((int)json["machine"]!["logical_cores"]! >= 1);
        Assert.Equal(1, (int)json["machine"]!["threads"]!);
        Assert.True((bool)json["settings"]!["quick"]!);

        var optimizers = json["optimizers"]!;
        var bandwidth = optimizers["bandwidth"]!;
        Assert.Equal(new[] { "copy_", "add_", "C# stream" }, bandwidth["probes"]!.AsArray().Select(p => (string?)p!["name"]));
        Assert.All(bandwidth["probes"]!.AsArray(), p => AssertTiming(p!["time"]!));
        // The floors use the fastest probe.
        Assert.Equal(bandwidth["probes"]!.AsArray().Max(p => (double)p!["bytes_per_second"]!), (double)bandwidth["bytes_per_second"]!);
        Assert.Contains((string?)bandwidth["probe"], new[] { "copy_", "add_", "C# stream" });
        Assert.Equal(28, (int)optimizers["bytes_per_parameter"]!["Adam"]!);
        var rows = optimizers["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
        // The quick models: 1 and 10 tensors of 1e4 parameters, each with every default variant.
        Assert.Equal(2 * OptimizerVariants.Default.Count, rows.Count);
        Assert.Equal(new[] { 1, 10 }, rows.Select(r => (int)r["tensors"]!).Distinct());
        Assert.All(rows, r => {
            Assert.Equal(10_000, (long)r["parameters"]!);
            AssertTiming(r["step"]!);
            Assert.True((double)r["floor_seconds"]! > 0);
            Assert.True((double)r["floor_ratio"]! > 0);
            Assert.True((long)r["state_bytes"]! > 0);
        });
        // Every Adam keeps two float32 moments; only Descent rows (any variant) of a family TorchSharp has get a /TorchSharp ratio.
        Assert.All(rows.Where(r => (string?)r["family"] == "Adam"), r => Assert.Equal(8.0, (double)r["state_bytes_per_parameter"]!));
        Assert.All(rows, r => {
            var expected = ((string?)r["implementation"])!.StartsWith(OptimizerVariants.Descent, System.StringComparison.Ordinal)
                && (string?)r["family"] is not ("Lion" or "Muon");
            Assert.Equal(expected, r["torchsharp_ratio"] is not null);
            Assert.Null(r["pytorch_ratio"]);
        });

        var orthogonalization = json["orthogonalization"]!.AsArray();
        Assert.Equal(4, orthogonalization.Count);
        Assert.All(orthogonalization, r => {
            Assert.Equal(15, (int)r!["products"]!);
            AssertTiming(r["newton_schulz"]!);
            AssertTiming(r["matrix_products"]!);
            Assert.True((double)r["ratio"]! > 0);
        });
        var curvature = json["curvature"]!.AsArray();
        Assert.Equal(new[] { "DoubleBackward", "FiniteDifference" }, curvature.Select(r => (string?)r!["method"]));
        Assert.All(curvature, r => {
            Assert.Equal(75 * 4 + 10, (long)r!["dimension"]!);
            AssertTiming(r["gradient"]!);
            AssertTiming(r["hvp"]!);
        });
        Assert.Null(json["pytorch"]);
    }

    [Theory]
    [InlineData("optimizers")]
    [InlineData("orthogonalization")]
    [InlineData("curvature")]
    public void OneSuiteWritesOnlyItsOwnSection(string suite)
    {
        using var scratch = new ScratchDirectory();
        var (code, _, error) = Run("bench", "--quick", "--suite", suite, "--repeats", "1", "--warmup", "0", "--out", scratch.Path);
        Assert.True(code == ExitCodes.Success, $"exit {code}: {error}");
        var json = ReadBench(scratch.Path);
        foreach (var name in new[] { "optimizers", "orthogonalization", "curvature" }) {
            Assert.Equal(name == suite, json.ContainsKey(name));
        }
        Assert.Equal(1, (int)json["settings"]!["repeats"]!);
        Assert.Equal(0, (int)json["settings"]!["warmup"]!);
    }

    [Theory]
    [InlineData("--suite", "everything", "'everything'")]
    [InlineData("--threads", "0", "--threads")]
    [InlineData("--repeats", "0", "--repeats")]
    [InlineData("--warmup", "-1", "--warmup")]
    [InlineData("--threads", "many", "many")]
    public void InvalidOptionsExitWithTwo(string option, string value, string message)
    {
        using var scratch = new ScratchDirectory();
        var (code, _, error) = Run("bench", "--quick", option, value, "--out", scratch.Path);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains(message, error);
        Assert.False(File.Exists(scratch[BenchJson.FileName]));
    }

    [Fact]
    public void ACompareFilePutsPyTorchBesideDescent()
    {
        using var scratch = new ScratchDirectory();
        var compare = scratch["pytorch.json"];
        File.WriteAllText(compare, PyTorchFile(("Adam", 1, 10_000, 0.002), ("Adam", 10, 10_000, 0.003), ("SGD", 1, 10_000, 0.001)));
        var (code, output, error) = Run("bench", "--quick", "--suite", "optimizers", "--compare", compare, "--out", scratch.Path);
        Assert.True(code == ExitCodes.Success, $"exit {code}: {error}");
        Assert.Contains("Against PyTorch 1.13.1", output);
        var json = ReadBench(scratch.Path);
        Assert.Equal("1.13.1", (string?)json["pytorch"]!["torch_version"]);
        var rows = json["optimizers"]!["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var descentAdam = rows.Single(r => (string?)r["name"] == "Descent Adam" && (int)r["tensors"]! == 10);
        Assert.Equal(0.003, (double)descentAdam["pytorch_median_seconds"]!);
        Assert.Equal((double)descentAdam["step"]!["median_seconds"]! / 0.003, (double)descentAdam["pytorch_ratio"]!, 12);
        // Cases the file lacks have no PyTorch figures.
        Assert.Null(rows.Single(r => (string?)r["name"] == "Descent Lion" && (int)r["tensors"]! == 1)["pytorch_ratio"]);
        Assert.Null(rows.Single(r => (string?)r["name"] == "Descent SGD" && (int)r["tensors"]! == 10)["pytorch_ratio"]);
    }

    [Theory]
    [InlineData("missing", "cannot read")]
    [InlineData("{ not json", "is not JSON")]
    [InlineData("[1, 2]", "not an object")]
    [InlineData("""{"format": "something-else/1", "torch_version": "1.13.1", "threads": 1, "optimizers": []}""", "format 'something-else/1'")]
    [InlineData("""{"format": "descent-bench-pytorch/1", "threads": 1, "optimizers": []}""", "'torch_version'")]
    [InlineData("""{"format": "descent-bench-pytorch/1", "torch_version": "1.13.1", "threads": 1}""", "'optimizers'")]
    [InlineData("""{"format": "descent-bench-pytorch/1", "torch_version": "1.13.1", "threads": 1, "optimizers": [{"family": "Adam", "tensors": 1, "parameters": 10000}]}""", "optimizers[0] lacks the number field 'median_seconds'")]
    [InlineData("""{"format": "descent-bench-pytorch/1", "torch_version": "1.13.1", "threads": 1, "optimizers": [{"family": "Adam", "tensors": 1, "parameters": 10000, "median_seconds": -1}]}""", "non-positive")]
    public void ABadCompareFileIsAUsageErrorAndNothingRuns(string content, string message)
    {
        using var scratch = new ScratchDirectory();
        var compare = scratch["pytorch.json"];
        if (content != "missing") {
            File.WriteAllText(compare, content);
        }
        var (code, output, error) = Run("bench", "--quick", "--compare", compare, "--out", scratch.Path);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("--compare", error);
        Assert.Contains(message, error);
        Assert.DoesNotContain("Optimizer step", output);
        Assert.False(File.Exists(scratch[BenchJson.FileName]));
    }

    [Fact]
    public void CompareNeedsTheOptimizersSuite()
    {
        using var scratch = new ScratchDirectory();
        var compare = scratch["pytorch.json"];
        File.WriteAllText(compare, PyTorchFile(("Adam", 1, 10_000, 0.002)));
        var (code, _, error) = Run("bench", "--quick", "--suite", "curvature", "--compare", compare, "--out", scratch.Path);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("optimizers suite", error);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static JsonObject ReadBench(string directory) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(directory, BenchJson.FileName)))!.AsObject();

    private static void AssertTiming(JsonNode timing)
    {
        var median = (double)timing["median_seconds"]!;
        Assert.True(median > 0);
        Assert.InRange(median, (double)timing["min_seconds"]!, (double)timing["max_seconds"]!);
        Assert.InRange((double)timing["q1_seconds"]!, (double)timing["min_seconds"]!, median);
        Assert.InRange((double)timing["q3_seconds"]!, median, (double)timing["max_seconds"]!);
        Assert.True((int)timing["repeats"]! >= 1);
        Assert.True((int)timing["warmup"]! >= 0);
    }

    // The layout tools/bench/torch_optimizers.py writes.
    private static string PyTorchFile(params (string Family, int Tensors, long Parameters, double Median)[] entries) =>
        new JsonObject
        {
            ["format"] = PyTorchTimings.Format,
            ["torch_version"] = "1.13.1",
            ["threads"] = 1,
            ["foreach"] = true,
            ["optimizers"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject
            {
                ["family"] = e.Family,
                ["tensors"] = e.Tensors,
                ["parameters"] = e.Parameters,
                ["median_seconds"] = e.Median,
                ["repeats"] = 3,
                ["warmup"] = 1,
            }).ToArray()),
        }.ToJsonString();
}
