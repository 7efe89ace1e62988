using System;
using System.Globalization;
using System.Linq;
using Spectre.Console;

namespace Descent.Lab.Bench;

/// <summary>Prints a <see cref="BenchReport"/> as one table per suite, with a line on how it was measured.</summary>
public static class BenchTables
{
    /// <summary>Writes the tables.</summary>
    public static void Write(IAnsiConsole console, BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        var m = report.Machine;
        var t = report.Settings.Timing;
        console.MarkupLine(Markup.Escape(Invariant(
            $"{m.Processor}, {m.LogicalCores} logical cores, {m.Threads} libtorch thread(s); medians of ≤ {t.Repeats} timed calls (≥ {t.MinRepeats}, {t.BudgetSeconds:G3} s budget) after {t.Warmup} warm-up{(report.Settings.Quick ? "; QUICK sizes, not for numbers" : "")}.")));
        if (report.Optimizers is { } optimizers) {
            WriteOptimizers(console, report, optimizers);
        }
        if (report.Orthogonalization is { } orthogonalization) {
            var dtypes = string.Join(", ", orthogonalization.Select(r => r.DType).Distinct());
            var table = new Table().Title(Invariant($"Newton–Schulz (Muon: quintic ×5, {dtypes}) vs its matrix products")).Border(TableBorder.Simple)
                .AddColumns("Shape", "Batch", "Products", "NS ms", "Products ms", "NS/products");
            foreach (var r in orthogonalization) {
                table.AddRow(Invariant($"{r.Rows}×{r.Columns}"), Int(r.Batch), Int(r.Products), Ms(r.NewtonSchulz.Median),
                    Ms(r.MatrixProducts.Median), Ratio(r.Ratio));
            }
            console.Write(table);
        }
        if (report.Curvature is { } curvature) {
            var examples = string.Join(", ", curvature.Select(r => r.Examples).Distinct());
            var table = new Table().Title(Invariant($"HVP over gradient, digits MLP on {examples} examples")).Border(TableBorder.Simple)
                .AddColumns("Hidden", "d").AddColumn(new TableColumn("Method").NoWrap())
                .AddColumns("Gradient ms", "HVP ms", "HVP/gradient");
            foreach (var r in curvature) {
                table.AddRow(Int(r.Hidden), Int(r.Dimension), r.Method, Ms(r.Gradient.Median), Ms(r.Hvp.Median), Ratio(r.Ratio));
            }
            console.Write(table);
        }
        console.MarkupLine(Markup.Escape(Invariant($"Wall time {report.WallSeconds:F1} s.")));
    }

    private static void WriteOptimizers(IAnsiConsole console, BenchReport report, OptimizerSuiteResult result)
    {
        console.MarkupLine(Markup.Escape(Invariant(
            $"Bandwidth (read + write) {string.Join(", ", result.Bandwidth.Probes.Select(p => Invariant($"{p.Name} {p.BytesPerSecond / 1e9:F1} GB/s")))}; floor = bytes per parameter (byte model) × parameters / {result.Bandwidth.BytesPerSecond / 1e9:F1} GB/s.")));
        var pyTorch = report.PyTorch;
        // One table per model keeps each within 80 columns (a redirected console's width).
        foreach (var model in result.Rows.GroupBy(r => (r.Parameters, r.Tensors))) {
            var table = new Table().Border(TableBorder.Simple)
                .Title(Invariant($"Optimizer step, {Count(model.Key.Parameters)} float32 parameters in {model.Key.Tensors} tensors"))
                .AddColumn(new TableColumn("Optimizer").NoWrap())
                .AddColumns("Step ms", "IQR%", "/TS", "Floor ms", "/floor", "B/param");
            foreach (var r in model) {
                var cells = new[] {
                    r.Name, Ms(r.Step.Median), (100 * r.Step.RelativeSpread).ToString("F0", CultureInfo.InvariantCulture),
                    Ratio(report.TorchSharpRatio(r)), Ms(r.FloorSeconds), Ratio(r.FloorRatio),
                    r.StateBytesPerParameter.ToString("G4", CultureInfo.InvariantCulture),
                };
                table.AddRow(cells.Select(Markup.Escape).ToArray());
            }
            console.Write(table);
        }
        console.MarkupLine(Markup.Escape(
            "IQR%: interquartile range over the median. /TS: the step over TorchSharp's built-in's (below 1 when Descent is faster); /floor: over the bandwidth floor (below 1 only when the data fit in the caches, as they may at 1e6). B/param: optimizer state bytes per parameter."));
        if (pyTorch is not null) {
            WritePyTorch(console, report, result, pyTorch);
        }
    }

    // A table of its own, so that the main tables keep within 80 columns.
    private static void WritePyTorch(IAnsiConsole console, BenchReport report, OptimizerSuiteResult result, PyTorchTimings pyTorch)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title(Invariant($"Against PyTorch {pyTorch.TorchVersion} (foreach, {pyTorch.Threads} thread(s))"))
            .AddColumn(new TableColumn("Optimizer").NoWrap())
            .AddColumns("Tensors", "Params", "Step ms", "PyTorch ms", "/PyTorch");
        foreach (var r in result.Rows.Where(r => report.PyTorchSeconds(r) is not null)) {
            table.AddRow(new[] { r.Name, Int(r.Tensors), Count(r.Parameters), Ms(r.Step.Median), Ms(report.PyTorchSeconds(r)!.Value),
                Ratio(report.PyTorchRatio(r)) }.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
        console.MarkupLine(Markup.Escape(Invariant($"From {pyTorch.Path}. /PyTorch below 1: faster than PyTorch.")));
    }

    private static string Ms(double seconds) => (seconds * 1e3).ToString(seconds < 1e-3 ? "F4" : "F3", CultureInfo.InvariantCulture);

    private static string Ratio(double? ratio) => ratio is { } r && double.IsFinite(r) ? r.ToString("F2", CultureInfo.InvariantCulture) : "";

    private static string Count(long value) => BenchFormat.Count(value);

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
