using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Descent.Lab.Training;
using ScottPlot;
using TorchSharp;

namespace Descent.Lab.Experiments.InitScale;

/// <summary>
/// Woodworth et al.'s kernel-to-rich transition: gradient descent on a diagonal linear network from u = v = α·1 finds
/// an ℓ2-like interpolator for large α and an ℓ1-like (sparse) one for small α, each matching the closed-form
/// Q_α-minimal interpolator.
/// </summary>
public sealed class InitScaleExperiment : IExperiment
{
    /// <inheritdoc />
    public string Name => "init-scale";

    /// <inheritdoc />
    public string Title => "Initialization scale of a diagonal linear network: from the kernel (ℓ2) to the rich (ℓ1) regime";

    /// <inheritdoc />
    public string Paper => "Woodworth, Gunasekar, Lee, Moroshko, Savarese, Golan, Soudry & Srebro, \"Kernel and Rich Regimes in Overparametrized Models\", COLT 2020 (arXiv:2002.09277)";

    /// <inheritdoc />
    public string Explanation =>
        "Sparse regression with fewer samples than dimensions has many interpolators; which one gradient descent finds on " +
        "w = u⊙u − v⊙v depends on the initialization u = v = α·1. Woodworth et al. prove that gradient flow converges to " +
        "argmin Q_α(w) subject to Zw = y, with Q_α(w) = α²·Σ q(wⱼ/α²), q(z) = 2 − √(4+z²) + z·arcsinh(z/2): close to " +
        "‖w‖₂² for large α (the kernel regime) and to ‖w‖₁ for small α (the rich regime). Each row trains with the library's " +
        "SGD (full batch, no momentum, a step well below the stability limit, to a training loss below the tolerance) and " +
        "sets the result beside the prediction, computed by Newton's method on the prediction's n-dimensional dual. " +
        "As α shrinks, ‖w‖₁ falls toward the sparse truth's and the test loss ½‖w − w*‖² with it.";

    /// <inheritdoc />
    public IReadOnlyList<ExperimentOption> Options { get; } = new[] {
        ExperimentOption.DoubleList("alphas", "Initialization scales α", "0.01,0.1,1,10", min: 1e-6),
        ExperimentOption.Int("dim", "Dimension d of w", 50, min: 1, max: 5000),
        ExperimentOption.Int("nonzeros", "Non-zeros k of the ground truth", 3, min: 1),
        ExperimentOption.Int("samples", "Training samples n", 20, min: 1),
        ExperimentOption.Choice("inputs", "Input distribution", "gaussian", new[] { "rademacher", "gaussian" }),
        ExperimentOption.Double("step-fraction", "Gradient-descent step as a fraction of the estimated stability limit", 0.25, min: 1e-6, max: 1),
        ExperimentOption.Int("max-steps", "Gradient-descent steps at most per α", 100000, min: 1),
        ExperimentOption.Double("tolerance", "Stop once the training loss is below this", 1e-12, min: 0),
    };

    /// <inheritdoc />
    public ExperimentResult Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var threads = TorchThreads.Pin(1);
        using var generator = new torch.Generator((ulong)context.Seed);
        using var task = SparseRegressionTask.Generate(context.Get<int>("dim"), context.Get<int>("nonzeros"), context.Get<int>("samples"),
            Enum.Parse<InputDistribution>(context.Get<string>("inputs"), ignoreCase: true), generator);
        var alphas = context.Get<double[]>("alphas");
        var outcomes = new List<InitScaleOutcome>();
        for (var i = 0; i < alphas.Length; i++) {
            context.Progress.Report((i / (double)alphas.Length, $"α = {alphas[i].ToString("G3", CultureInfo.InvariantCulture)}"));
            outcomes.Add(InitScaleRun.Train(task, alphas[i], context.Get<double>("step-fraction"), context.Get<int>("max-steps"), context.Get<double>("tolerance")));
        }
        context.Progress.Report((1, "done"));
        return Report(task, outcomes);
    }

    private static ExperimentResult Report(SparseRegressionTask task, IReadOnlyList<InitScaleOutcome> outcomes)
    {
        var result = new ExperimentResult { Metrics = new MetricsTable(new[] { "step", "alpha", "train_loss" }) };
        foreach (var o in outcomes) {
            foreach (var (step, loss) in o.Series) {
                result.Metrics.Add(step, o.Alpha, loss);
            }
        }
        result.Summary["results"] = outcomes.Select(o => Entry(task, o)).ToList();
        result.Summary["truth_l1_norm"] = task.Truth.Sum(Math.Abs);
        result.Summary["truth_l2_norm"] = Norm2(task.Truth);
        result.Tables.Add(Table(task, outcomes));
        result.Plots.Add(NormsPlot(task, outcomes));
        result.Plots.Add(WeightsPlot(task, outcomes));
        return result;
    }

    private static Dictionary<string, object?> Entry(SparseRegressionTask task, InitScaleOutcome o) => new() {
        ["alpha"] = o.Alpha,
        ["l1_norm"] = o.Trained.Sum(Math.Abs),
        ["l2_norm"] = Norm2(o.Trained),
        ["test_loss"] = task.TestLoss(o.Trained),
        ["train_loss"] = o.TrainLoss,
        ["steps"] = o.Steps,
        ["lr"] = o.LearningRate,
        ["predicted_l1_norm"] = o.Predicted.Sum(Math.Abs),
        ["predicted_l2_norm"] = Norm2(o.Predicted),
        ["predicted_test_loss"] = task.TestLoss(o.Predicted),
        ["relative_distance_to_prediction"] = RelativeDistance(o.Trained, o.Predicted),
    };

    /// <summary>‖a − b‖₂ / ‖b‖₂.</summary>
    public static double RelativeDistance(double[] a, double[] b) => Norm2(a.Zip(b, (x, y) => x - y).ToArray()) / Norm2(b);

    private static double Norm2(double[] w) => Math.Sqrt(w.Sum(x => x * x));

    private static ReportTable Table(SparseRegressionTask task, IReadOnlyList<InitScaleOutcome> outcomes)
    {
        static string F(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
        var rows = outcomes.Select(o => (IReadOnlyList<string>)new[] {
            F(o.Alpha), F(o.Trained.Sum(Math.Abs)), F(o.Predicted.Sum(Math.Abs)), F(Norm2(o.Trained)), F(Norm2(o.Predicted)),
            F(task.TestLoss(o.Trained)), F(task.TestLoss(o.Predicted)), F(RelativeDistance(o.Trained, o.Predicted)), o.Steps.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        return new ReportTable($"Trained (GD) beside predicted (Q_α-minimal) interpolators; the truth has ‖w*‖₁ = {F(task.Truth.Sum(Math.Abs))}, ‖w*‖₂ = {F(Norm2(task.Truth))}",
            new[] { "α", "‖w‖₁", "‖w‖₁ predicted", "‖w‖₂", "‖w‖₂ predicted", "test loss", "test loss predicted", "‖w − w_pred‖/‖w_pred‖", "steps" }, rows);
    }

    private static ReportPlot NormsPlot(SparseRegressionTask task, IReadOnlyList<InitScaleOutcome> outcomes)
    {
        var plot = new Plot();
        var xs = outcomes.Select(o => Math.Log10(o.Alpha)).ToArray();
        var trained = plot.Add.ScatterPoints(xs, outcomes.Select(o => o.Trained.Sum(Math.Abs)).ToArray());
        trained.LegendText = "‖w‖₁ trained";
        var predicted = plot.Add.ScatterLine(xs, outcomes.Select(o => o.Predicted.Sum(Math.Abs)).ToArray());
        predicted.LegendText = "‖w‖₁ predicted";
        var truth = plot.Add.HorizontalLine(task.Truth.Sum(Math.Abs));
        truth.LegendText = "‖w*‖₁";
        plot.XLabel("log10 α");
        // DejaVu Serif, the usual fallback on Linux, has no ℓ (U+2113): the axis label would show a missing-glyph box.
        plot.YLabel("‖w‖₁ of the interpolator");
        plot.ShowLegend();
        return new ReportPlot("l1-norm", "ℓ1 norm of the trained interpolator (points) and of the Q_α-minimal prediction (line) against the initialization scale; the truth's ℓ1 norm for reference.", plot);
    }

    private static ReportPlot WeightsPlot(SparseRegressionTask task, IReadOnlyList<InitScaleOutcome> outcomes)
    {
        var plot = new Plot();
        var js = Enumerable.Range(0, task.Dimension).Select(j => (double)j).ToArray();
        foreach (var o in outcomes) {
            var points = plot.Add.ScatterPoints(js, o.Trained);
            points.LegendText = $"α = {o.Alpha.ToString("G3", CultureInfo.InvariantCulture)}";
        }
        var truth = plot.Add.ScatterPoints(js, task.Truth);
        truth.LegendText = "w*";
        plot.XLabel("coordinate j");
        plot.YLabel("w_j");
        plot.ShowLegend();
        return new ReportPlot("weights", "The trained interpolators coordinate by coordinate: dense for large α, concentrated on the truth's support for small α.", plot);
    }
}
