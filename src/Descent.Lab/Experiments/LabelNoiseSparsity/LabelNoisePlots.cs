using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace Descent.Lab.Experiments.LabelNoiseSparsity;

/// <summary>The figures of the label-noise experiment.</summary>
public static class LabelNoisePlots
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>
    /// The solutions in the plane of the two measures, loss curves, the two measures over training, and the final |w|
    /// per coordinate.
    /// </summary>
    public static IEnumerable<ReportPlot> All(IReadOnlyList<LabelNoiseOutcome> outcomes)
    {
        yield return Solutions(outcomes);
        yield return Series(outcomes, "loss", "Clean training loss (log scale) during label-noise training, per optimizer and seed.",
            "log10 train loss", p => System.Math.Log10(System.Math.Max(p.TrainLoss, 1e-300)));
        yield return Series(outcomes, "trace-hessian", "tr(H) of the clean training loss during training (exact).",
            "tr(H)", p => p.TraceHessian);
        yield return Series(outcomes, "trace-sqrt-diag-hessian", "tr(Diag(H)^1/2) of the clean training loss during training (exact).",
            "tr(Diag(H)^1/2)", p => p.TraceSqrtDiagHessian);
        yield return Weights(outcomes);
    }

    private static ReportPlot Series(IReadOnlyList<LabelNoiseOutcome> outcomes, string name, string caption, string label,
        System.Func<LabelNoisePoint, double> value)
    {
        var plot = new Plot();
        var optimizers = Optimizers(outcomes);
        foreach (var outcome in outcomes) {
            var scatter = plot.Add.ScatterLine(outcome.Series.Select(p => (double)p.Step).ToArray(), outcome.Series.Select(value).ToArray());
            // One colour and one legend entry per optimizer: with several seeds, per-run entries would be unreadable.
            var index = optimizers.IndexOf(outcome.Optimizer);
            scatter.Color = Palette.GetColor(index);
            if (outcome.Seed == outcomes[0].Seed) {
                scatter.LegendText = outcome.Optimizer;
            }
        }
        plot.XLabel("step");
        plot.YLabel(label);
        plot.ShowLegend();
        return new ReportPlot(name, caption, plot);
    }

    // Each run's solution as a point (tr(H), tr(Diag(H)^1/2)), projected onto the zero-loss set when available: the
    // paper's claim is that SGD's points sit furthest left and Adam's lowest.
    private static ReportPlot Solutions(IReadOnlyList<LabelNoiseOutcome> outcomes)
    {
        var plot = new Plot();
        // A grey segment joins the runs of one seed (same task, same noise), so each comparison reads as a pair.
        foreach (var seed in outcomes.GroupBy(r => r.Seed).Where(g => g.Count() > 1)) {
            var measures = seed.Select(r => r.Projected ?? r.Final).ToList();
            var link = plot.Add.ScatterLine(measures.Select(m => m.TraceHessian).ToArray(), measures.Select(m => m.TraceSqrtDiagHessian).ToArray());
            link.Color = Colors.Gray.WithAlpha(0.5);
        }
        var optimizers = Optimizers(outcomes);
        for (var o = 0; o < optimizers.Count; o++) {
            var measures = outcomes.Where(r => r.Optimizer == optimizers[o]).Select(r => r.Projected ?? r.Final).ToList();
            var points = plot.Add.ScatterPoints(measures.Select(m => m.TraceHessian).ToArray(), measures.Select(m => m.TraceSqrtDiagHessian).ToArray());
            points.Color = Palette.GetColor(o);
            points.MarkerSize = 9;
            points.LegendText = optimizers[o];
        }
        plot.XLabel("tr(H)");
        plot.YLabel("tr(Diag(H)^1/2)");
        plot.ShowLegend();
        var where = outcomes.All(r => r.Projected is not null) ? "after projection onto the zero-training-loss set" : "at the last iterate";
        return new ReportPlot("solutions", $"Each run's solution {where}, one point per seed: label-noise SGD should sit at the lowest tr(H), Adam at the lowest tr(Diag(H)^1/2).", plot);
    }

    private static List<string> Optimizers(IReadOnlyList<LabelNoiseOutcome> outcomes) => outcomes.Select(o => o.Optimizer).Distinct().ToList();

    // The first seed's final (projected when available) |w|, one bar group per coordinate.
    private static ReportPlot Weights(IReadOnlyList<LabelNoiseOutcome> outcomes)
    {
        var plot = new Plot();
        var seed = outcomes[0].Seed;
        var runs = outcomes.Where(o => o.Seed == seed).ToList();
        for (var r = 0; r < runs.Count; r++) {
            var weights = (runs[r].Projected ?? runs[r].Final).Weights;
            var xs = Enumerable.Range(0, weights.Length).Select(j => j + (r + 0.5) / (runs.Count + 1.0) - 0.5).ToArray();
            var scatter = plot.Add.ScatterPoints(xs, weights.Select(System.Math.Abs).ToArray());
            scatter.Color = Palette.GetColor(r);
            scatter.LegendText = runs[r].Optimizer;
        }
        plot.XLabel("coordinate j");
        plot.YLabel("|w_j|");
        plot.ShowLegend();
        return new ReportPlot("weights", $"Final |w| per coordinate (seed {seed}); a sparse solution has k visible points per optimizer.", plot);
    }
}
