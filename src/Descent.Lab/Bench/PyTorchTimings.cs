using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Lab.Runs;

namespace Descent.Lab.Bench;

/// <summary>
/// PyTorch's optimizer step times, as written by <c>tools/bench/torch_optimizers.py</c>, read for
/// <c>descent bench --compare FILE</c>. Anything else (a missing file, not JSON, another format, an entry without
/// its fields) is a <see cref="UsageException"/>: the command line named the wrong file.
/// </summary>
public sealed class PyTorchTimings
{
    /// <summary>The value of the file's <c>format</c> field this reader understands.</summary>
    public const string Format = "descent-bench-pytorch/1";

    private readonly Dictionary<(string Family, int Tensors, long Parameters), double> _medians;

    private PyTorchTimings(string path, string torchVersion, int threads, Dictionary<(string, int, long), double> medians)
    {
        Path = path;
        TorchVersion = torchVersion;
        Threads = threads;
        _medians = medians;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The PyTorch version that was timed.</summary>
    public string TorchVersion { get; }

    /// <summary>The intra-op threads PyTorch used.</summary>
    public int Threads { get; }

    /// <summary>Entries in the file.</summary>
    public int Count => _medians.Count;

    /// <summary>PyTorch's median step time in seconds for a family on a model, if the file has it.</summary>
    public double? MedianSeconds(string family, int tensors, long parameters) =>
        _medians.TryGetValue((family, tensors, parameters), out var value) ? value : null;

    /// <summary>Reads and checks a file.</summary>
    /// <exception cref="UsageException">The file is missing, unreadable or not a PyTorch timing file.</exception>
    public static PyTorchTimings Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try {
            text = File.ReadAllText(path);
        } catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException) {
            throw new UsageException($"--compare: cannot read '{path}': {e.Message}", e);
        }
        JsonObject root;
        try {
            root = JsonNode.Parse(text) as JsonObject
                ?? throw new UsageException($"--compare: '{path}' is not a PyTorch timing file: its JSON is not an object.");
        } catch (JsonException e) {
            throw new UsageException($"--compare: '{path}' is not JSON ({e.Message}); expected the output of tools/bench/torch_optimizers.py.", e);
        }
        var format = Text(root, "format", path, "the file");
        if (format != Format) {
            throw new UsageException($"--compare: '{path}' has format '{format}'; this descent reads '{Format}' (tools/bench/torch_optimizers.py).");
        }
        var version = Text(root, "torch_version", path, "the file");
        var threads = (int)Number(root, "threads", path, "the file");
        if (root["optimizers"] is not JsonArray entries) {
            throw new UsageException($"--compare: '{path}' has no 'optimizers' array.");
        }
        var medians = new Dictionary<(string, int, long), double>();
        for (var i = 0; i < entries.Count; i++) {
            var where = $"optimizers[{i}]";
            if (entries[i] is not JsonObject entry) {
                throw new UsageException($"--compare: '{path}': {where} is not an object.");
            }
            var family = Text(entry, "family", path, where);
            var tensors = (int)Number(entry, "tensors", path, where);
            var parameters = (long)Number(entry, "parameters", path, where);
            var median = Number(entry, "median_seconds", path, where);
            if (!(median > 0) || tensors < 1 || parameters < 1) {
                throw new UsageException($"--compare: '{path}': {where} has a non-positive tensors, parameters or median_seconds.");
            }
            medians[(family, tensors, parameters)] = median;
        }
        return new PyTorchTimings(path, version, threads, medians);
    }

    private static string Text(JsonObject node, string key, string path, string where) =>
        node[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text
            : throw new UsageException($"--compare: '{path}': {where} lacks the text field '{key}'.");

    private static double Number(JsonObject node, string key, string path, string where) =>
        node[key] is JsonValue value && value.TryGetValue<double>(out var number) && double.IsFinite(number) ? number
            : throw new UsageException($"--compare: '{path}': {where} lacks the number field '{key}'.");
}
