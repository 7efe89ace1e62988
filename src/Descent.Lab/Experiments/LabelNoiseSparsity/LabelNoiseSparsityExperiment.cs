using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Lab.Training;
using Descent.Optimizers;
using TorchSharp;

namespace Descent.Lab.Experiments.LabelNoiseSparsity;

/// <summary>
/// Li, Wen &amp; Lyu's diagonal-network experiment: label-noise training of w = u⊙u − v⊙v on k-sparse regression by
/// several optimizers; SGD's solution should have the lower tr(H) (an ℓ1 penalty on w), Adam's the lower
/// tr(Diag(H)^{1/2}) (an ℓ1/2 penalty, hence sparser).
/// </summary>
public sealed class LabelNoiseSparsityExperiment : IExperiment
{
    /// <inheritdoc />
    public string Name => "label-noise-sparsity";

    /// <inheritdoc />
    public string Title => "Label noise on a diagonal linear network: SGD lowers tr(H), Adam lowers tr(Diag(H)^1/2)";

    /// <inheritdoc />
    public string Paper => "Li, Wen & Lyu, \"Adam Reduces a Unique Form of Sharpness: Theoretical Insights Near the Minimizer Manifold\", NeurIPS 2025 (arXiv:2511.02773)";

    /// <inheritdoc />
    public string Explanation =>
        "Sparse linear regression with fewer samples than dimensions, fitted by a diagonal linear network w = u⊙u − v⊙v " +
        "from u = v = α·1. Every step adds fresh ±δ noise to every label, so training never settles: it drifts along the " +
        "set of interpolating solutions, driven by a sharpness measure that depends on the optimizer; over the last steps the " +
        "learning rate decays linearly to 0 (--anneal) so that each run settles where it drifted to. On that set, with ±1 " +
        "inputs, tr(H) = 4(‖u‖² + ‖v‖²) ≥ 4‖w‖₁ and tr(Diag(H)^1/2) = 2(‖u‖₁ + ‖v‖₁) ≥ 2Σ√|wⱼ|: label-noise SGD " +
        "minimises the first (a lasso-like ℓ1 bias), Adam the second (an ℓ1/2 bias, sparser). Compare the `_projected` " +
        "measures, taken after projecting the last iterate onto the zero-training-loss set by Gauss–Newton steps (the " +
        "measures of the noisy iterate include a residual term of the label noise). tr(H) and tr(Diag(H)^1/2) are exact " +
        "(Sharpness.MeasureExact on the clean training loss); test loss is the population loss ½‖w − w*‖². The defaults " +
        "take far fewer samples than ℓ1 recovery needs (n = 6 for k = 3 in d = 100), where the two minimisers differ; with " +
        "more samples both optimizers head for the same sparse solution and the measures tie.";

    /// <inheritdoc />
    public IReadOnlyList<ExperimentOption> Options { get; } = new[] {
        ExperimentOption.WordList("optimizers", "Library optimizers to compare (catalogue names, case-insensitive)", "sgd,adam",
            OptimizerCatalog.All.Select(d => d.Name).ToArray()),
        ExperimentOption.Int("dim", "Dimension d of w", 100, min: 1, max: 5000),
        ExperimentOption.Int("nonzeros", "Non-zeros k of the ground truth", 3, min: 1),
        ExperimentOption.Int("samples", "Training samples n", 6, min: 1),
        ExperimentOption.Choice("inputs", "Input distribution", "rademacher", new[] { "rademacher", "gaussian" }),
        ExperimentOption.Double("noise", "Label noise δ: each label gets a fresh ±δ every step", 2.0, min: 0),
        ExperimentOption.DoubleList("lr", "Learning rate: one for all optimizers or one per optimizer", "0.1,0.01", min: 0),
        ExperimentOption.Int("steps", "Training steps", 10000, min: 1),
        ExperimentOption.Double("init-scale", "Initialization u = v = α·1", 0.01, min: 0),
        ExperimentOption.Double("beta2", "β₂ for optimizers that take one (the paper scales 1 − β₂ with lr²)", 0.999, min: 0, max: 1),
        ExperimentOption.Double("eps", "ε for optimizers that take one", 1e-8, min: 0),
        ExperimentOption.Int("seeds", "Seeds per optimizer: runs use seed, seed+1, …", 8, min: 1, max: 100),
        ExperimentOption.Int("measure-every", "Record loss and sharpness every this many steps", 1000, min: 1),
        ExperimentOption.Double("anneal", "Fraction of the final steps over which the learning rate decays linearly to 0, so the iterate settles where it drifted to", 0.2, min: 0, max: 1),
        ExperimentOption.Flag("project", "Also measure after projecting onto the zero-training-loss set", true),
    };

    /// <inheritdoc />
    public ExperimentResult Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var threads = TorchThreads.Pin(1);
        var optimizers = context.Get<string[]>("optimizers");
        var rates = LearningRates(context.Get<double[]>("lr"), optimizers.Length);
        var seeds = context.Get<int>("seeds");
        var outcomes = new List<LabelNoiseOutcome>();
        for (var s = 0; s < seeds; s++) {
            var seed = context.Seed + s;
            using var generator = new torch.Generator((ulong)seed);
            using var task = SparseRegressionTask.Generate(context.Get<int>("dim"), context.Get<int>("nonzeros"), context.Get<int>("samples"),
                Enum.Parse<InputDistribution>(context.Get<string>("inputs"), ignoreCase: true), generator);
            for (var o = 0; o < optimizers.Length; o++) {
                var settings = Settings(context, optimizers[o], rates[o]);
                var done = s * optimizers.Length + o;
                var total = (double)seeds * optimizers.Length;
                outcomes.Add(LabelNoiseRun.Train(task, settings, seed, step => context.Progress.Report(
                    ((done + step / (double)settings.Steps) / total, $"{settings.Optimizer}, seed {seed}: step {step}/{settings.Steps}"))));
            }
        }
        return LabelNoiseReport.Build(outcomes);
    }

    /// <summary>One learning rate per optimizer: a single value is shared, otherwise the counts must match.</summary>
    public static double[] LearningRates(double[] given, int optimizers) =>
        given.Length == 1 ? Enumerable.Repeat(given[0], optimizers).ToArray()
        : given.Length == optimizers ? given
        : throw new FormatException($"--lr needs one value or one per optimizer ({optimizers}), but got {given.Length}.");

    private static LabelNoiseSettings Settings(ExperimentContext context, string optimizer, double lr) =>
        new(optimizer, lr, context.Get<double>("beta2"), context.Get<double>("eps"), context.Get<int>("steps"),
            context.Get<double>("noise"), context.Get<double>("init-scale"), context.Get<int>("measure-every"), context.Get<bool>("project"),
            context.Get<double>("anneal"));
}
