using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Lab.Runs;

namespace Descent.Lab.Bench;

/// <summary>
/// Writes a <see cref="BenchReport"/> as <c>bench.json</c>: the machine, the settings, and every measurement with its
/// median, quartiles, extremes, repeats and warm-up (seconds throughout), with the ratios the table shows.
/// </summary>
public static class BenchJson
{
    /// <summary>The file's name inside the output folder.</summary>
    public const string FileName = "bench.json";

    /// <summary>The value of the file's <c>format</c> field.</summary>
    public const string Format = "descent-bench/1";

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <c>bench.json</c> into <paramref name="directory"/> (created if missing) and returns its path.</summary>
    public static string Write(BenchReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        File.WriteAllText(path, ToJson(report).ToJsonString(s_indented) + "\n");
        return path;
    }

    /// <summary>The report as a JSON object.</summary>
    public static JsonObject ToJson(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var m = report.Machine;
        var t = report.Settings.Timing;
        var root = new JsonObject
        {
            ["format"] = Format,
            ["version"] = ExperimentRunner.Version,
            ["wall_time_seconds"] = report.WallSeconds,
            ["machine"] = new JsonObject
            {
                ["processor"] = m.Processor,
                ["logical_cores"] = m.LogicalCores,
                ["threads"] = m.Threads,
                ["os"] = m.OperatingSystem,
                ["architecture"] = m.Architecture,
                ["runtime"] = m.Runtime,
                ["torchsharp"] = m.TorchSharp,
            },
            ["settings"] = new JsonObject
            {
                ["quick"] = report.Settings.Quick,
                ["suites"] = new JsonArray(report.Settings.Suites.Select(s => (JsonNode)Name(s)).ToArray()),
                ["warmup"] = t.Warmup,
                ["repeats"] = t.Repeats,
                ["min_repeats"] = t.MinRepeats,
                ["budget_seconds"] = Real(t.BudgetSeconds),
            },
        };
        if (report.Optimizers is { } optimizers) {
            root["optimizers"] = Optimizers(report, optimizers);
        }
        if (report.Orthogonalization is { } orthogonalization) {
            root["orthogonalization"] = new JsonArray(orthogonalization.Select(r => (JsonNode)new JsonObject
            {
                ["rows"] = r.Rows,
                ["columns"] = r.Columns,
                ["batch"] = r.Batch,
                ["dtype"] = r.DType,
                ["products"] = r.Products,
                ["newton_schulz"] = Timing(r.NewtonSchulz),
                ["matrix_products"] = Timing(r.MatrixProducts),
                ["ratio"] = Real(r.Ratio),
            }).ToArray());
        }
        if (report.Curvature is { } curvature) {
            root["curvature"] = new JsonArray(curvature.Select(r => (JsonNode)new JsonObject
            {
                ["hidden"] = r.Hidden,
                ["dimension"] = r.Dimension,
                ["examples"] = r.Examples,
                ["method"] = r.Method,
                ["gradient"] = Timing(r.Gradient),
                ["hvp"] = Timing(r.Hvp),
                ["ratio"] = Real(r.Ratio),
            }).ToArray());
        }
        if (report.PyTorch is { } pyTorch) {
            root["pytorch"] = new JsonObject
            {
                ["file"] = Path.GetFullPath(pyTorch.Path),
                ["torch_version"] = pyTorch.TorchVersion,
                ["threads"] = pyTorch.Threads,
            };
        }
        return root;
    }

    /// <summary>The suite's name on the command line and in the file (lower case).</summary>
    public static string Name(BenchSuite suite) => suite.ToString().ToLowerInvariant();

    private static JsonObject Optimizers(BenchReport report, OptimizerSuiteResult result) => new()
    {
        ["bandwidth"] = new JsonObject
        {
            ["bytes_per_second"] = Real(result.Bandwidth.BytesPerSecond),
            ["probe"] = result.Bandwidth.Best.Name,
            ["probes"] = new JsonArray(result.Bandwidth.Probes.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name,
                ["bytes_per_call"] = p.BytesPerCall,
                ["time"] = Timing(p.Time),
                ["bytes_per_second"] = Real(p.BytesPerSecond),
            }).ToArray()),
        },
        ["bytes_per_parameter"] = new JsonObject(result.Rows.Select(r => r.Family).Distinct()
            .Select(f => new System.Collections.Generic.KeyValuePair<string, JsonNode?>(f, OptimizerByteModel.BytesPerParameter(f)))),
        ["rows"] = new JsonArray(result.Rows.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Name,
            ["family"] = r.Family,
            ["implementation"] = r.Implementation,
            ["tensors"] = r.Tensors,
            ["parameters"] = r.Parameters,
            ["step"] = Timing(r.Step),
            ["floor_seconds"] = Real(r.FloorSeconds),
            ["floor_ratio"] = Real(r.FloorRatio),
            ["torchsharp_ratio"] = Real(report.TorchSharpRatio(r)),
            ["pytorch_median_seconds"] = Real(report.PyTorchSeconds(r)),
            ["pytorch_ratio"] = Real(report.PyTorchRatio(r)),
            ["state_bytes"] = r.StateBytes,
            ["state_bytes_per_parameter"] = Real(r.StateBytesPerParameter),
        }).ToArray()),
    };

    private static JsonObject Timing(Measurement m) => new()
    {
        ["median_seconds"] = Real(m.Median),
        ["q1_seconds"] = Real(m.Q1),
        ["q3_seconds"] = Real(m.Q3),
        ["min_seconds"] = Real(m.Min),
        ["max_seconds"] = Real(m.Max),
        ["repeats"] = m.Repeats,
        ["warmup"] = m.Warmup,
    };

    // JSON has no infinity or NaN; an absent ratio (no TorchSharp equivalent, no PyTorch entry) is null.
    private static JsonNode? Real(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;
}
