using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Descent.Lab.Bench;
using Descent.Lab.Runs;
using Spectre.Console;

namespace Descent.Lab.Commands;

/// <summary>
/// <c>descent bench [--suite optimizers|orthogonalization|curvature] [--out DIR] [--compare FILE]</c>: times the
/// optimizers against TorchSharp's built-ins and the memory-bandwidth floor, Newton–Schulz against its matrix
/// products, and HVPs against gradients; prints tables and writes <c>bench.json</c>. A bad option or compare file is a
/// usage error (exit 2) and nothing runs.
/// </summary>
public static class BenchCommand
{
    /// <summary>Builds the <c>bench</c> command.</summary>
    /// <param name="console">Where the tables and progress go.</param>
    /// <param name="error">Where usage errors found after parsing (a bad compare file) go.</param>
    public static Command Create(IAnsiConsole console, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(error);
        var suite = new Option<string?>("--suite") { Description = "Run one suite only (default: all three)" };
        suite.AcceptOnlyFromAmong(Array.ConvertAll(Enum.GetValues<BenchSuite>(), BenchJson.Name));
        var output = new Option<string>("--out") { Description = "Folder for bench.json (created if missing)", DefaultValueFactory = _ => "." };
        var compare = new Option<string?>("--compare")
        {
            Description = "PyTorch timings from tools/bench/torch_optimizers.py, shown beside Descent's with the ratio Descent/PyTorch",
        };
        var quick = new Option<bool>("--quick") { Description = "Tiny sizes that run in seconds: checks the command, gives no meaningful numbers" };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var full = BenchSettings.FullTiming;
        var warmup = new Option<int>("--warmup")
        {
            Description = Invariant($"Untimed calls before timing each case (--quick: {BenchSettings.QuickTiming.Warmup})"),
            DefaultValueFactory = _ => full.Warmup,
        }.AtLeast(0);
        var repeats = new Option<int>("--repeats")
        {
            Description = Invariant($"Most timed calls per case; a case stops after {full.BudgetSeconds:G3} s once {full.MinRepeats} are timed (--quick: {BenchSettings.QuickTiming.Repeats})"),
            DefaultValueFactory = _ => full.Repeats,
        }.AtLeast(1);
        var command = new Command("bench", Invariant(
            $"Time the optimizers (1e6 and 1e7 float32 parameters in 10, 100 and 1,000 tensors) against TorchSharp's built-ins and the memory-bandwidth floor, Newton–Schulz against its matrix products, and HVPs against gradients; print tables and write bench.json. Medians after warm-up; with the defaults the three suites take about 2.5 minutes on one thread (optimizers about 2), since each case stops timing after {full.BudgetSeconds:G3} s."))
        {
            suite, output, compare, quick, threads, warmup, repeats,
        };
        command.SetAction(parseResult => {
            try {
                var comparePath = parseResult.GetValue(compare);
                var pyTorch = comparePath is null ? null : PyTorchTimings.Load(comparePath);
                var name = parseResult.GetValue(suite);
                var suites = name is null ? BenchSettings.AllSuites : new[] { Enum.Parse<BenchSuite>(name, ignoreCase: true) };
                if (pyTorch is not null && !suites.Contains(BenchSuite.Optimizers)) {
                    throw new UsageException("--compare holds optimizer timings; it needs the optimizers suite.");
                }
                var isQuick = parseResult.GetValue(quick);
                var preset = isQuick ? BenchSettings.QuickTiming : full;
                // An explicit --warmup or --repeats overrides the preset's; the minimum never exceeds the maximum.
                var given = (Option<int> option) => parseResult.GetResult(option) is { Implicit: false };
                var maxRepeats = given(repeats) ? parseResult.GetValue(repeats) : preset.Repeats;
                var timing = preset with
                {
                    Warmup = given(warmup) ? parseResult.GetValue(warmup) : preset.Warmup,
                    Repeats = maxRepeats,
                    MinRepeats = Math.Min(preset.MinRepeats, maxRepeats),
                };
                var count = parseResult.GetValue(threads);
                var settings = isQuick ? BenchSettings.QuickSettings(suites, count, timing) : BenchSettings.Full(suites, count, timing);
                var report = BenchRunner.Run(settings, pyTorch, line => console.MarkupLine("[grey]" + Markup.Escape(line) + "[/]"));
                BenchTables.Write(console, report);
                var path = BenchJson.Write(report, parseResult.GetValue(output)!);
                console.MarkupLine(Markup.Escape($"Wrote {path}."));
                return ExitCodes.Success;
            } catch (UsageException e) {
                error.WriteLine(e.Message);
                return ExitCodes.UsageError;
            }
        });
        return command;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
