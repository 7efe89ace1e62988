using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Lab.Data;
using Descent.Lab.Training;
using Descent.Optimizers;

namespace Descent.Lab.Experiments.OptimizerShootout;

/// <summary>
/// Library optimizers head to head on real data (the embedded digits, or Fashion-MNIST when installed): an MLP or a
/// small CNN per (optimizer, seed), test accuracy against steps and against training time, mean and spread per optimizer.
/// </summary>
public sealed class OptimizerShootoutExperiment : IExperiment
{
    /// <inheritdoc />
    public string Name => "optimizer-shootout";

    /// <inheritdoc />
    public string Title => "Optimizers head to head on real data: test accuracy against steps and time";

    /// <inheritdoc />
    public string Paper => "No single paper: each optimizer's own paper (see `descent optimizers`); Fashion-MNIST: H. Xiao, K. Rasul, R. Vollgraf, arXiv:1708.07747, 2017; digits: E. Alpaydin, C. Kaynak, UCI, 1998";

    /// <inheritdoc />
    public string Explanation =>
        "Each optimizer trains the same architecture from the same initial weights (one set per seed) on the same batches, "
        + "and the test accuracy is measured after every epoch. The step plot compares what each update achieves; the time "
        + "plot adds each update's cost (matrix optimizers orthogonalize, which costs time). The table gives mean ± standard "
        + "deviation over seeds: differences smaller than the spread are not evidence. Learning rates are fixed per optimizer "
        + "(--lr), not tuned per run, so the ranking holds for these rates only.";

    /// <inheritdoc />
    public IReadOnlyList<ExperimentOption> Options { get; } = new[]
    {
        ExperimentOption.WordList("optimizers", "library optimizers to compare", "sgd,adam,adamw,lion,muon", OptimizerCatalog.All.Select(d => d.Name).ToArray()),
        ExperimentOption.DoubleList("lr", "learning rate, one for all or one per optimizer; the defaults suit the MLP, and with --model cnn Adam, AdamW and Lion want about 10× larger rates (see the README)", "0.1,0.001,0.001,0.0003,0.05", 1e-12, 1e6),
        ExperimentOption.Double("fallback-lr", "learning rate of the matrix optimizers' fallback rule (biases, norms, head, first conv; the CNN has most of its weights there); 0 keeps each optimizer's default", 0, 0, 1e6),
        ExperimentOption.Choice("dataset", "digits (embedded) or fashion-mnist (apt-get install dataset-fashion-mnist)", "digits", new[] { "digits", "fashion-mnist" }),
        // Any path is allowed here; a directory without the files is reported when the data set is loaded.
        new ExperimentOption("data-dir", "directory of the Fashion-MNIST IDX files", FashionMnist.DefaultDirectory, text => text.Length > 0 ? text
            : throw new FormatException("--data-dir must not be empty.")),
        ExperimentOption.Choice("model", "mlp (one hidden ReLU layer) or cnn (the lab's small CNN)", "mlp", new[] { "mlp", "cnn" }),
        ExperimentOption.Int("hidden", "hidden units of the MLP", 64, 1, 100_000),
        ExperimentOption.Int("seeds", "seeds per optimizer (the run's seed, seed+1, …)", 3, 1, 1000),
        ExperimentOption.Int("epochs", "passes over the training data", 10, 1, 100_000),
        ExperimentOption.Int("batch-size", "examples per step", 32, 1, 1_000_000),
        ExperimentOption.Int("train-size", "training examples to use (0: all)", 0, 0, int.MaxValue),
        ExperimentOption.Int("test-size", "Fashion-MNIST test examples to use (0: all 10,000)", 0, 0, int.MaxValue),
    };

    /// <inheritdoc />
    /// <exception cref="DatasetMissingException">Fashion-MNIST is chosen but its files are absent.</exception>
    public ExperimentResult Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = ShootoutSettings.From(context);
        using var threads = TorchThreads.Pin(1);
        var (data, side) = ShootoutData.Load(settings, context.Seed);
        using (data) {
            var runs = new List<ShootoutRunResult>();
            var total = settings.Optimizers.Count * settings.Seeds;
            for (var o = 0; o < settings.Optimizers.Count; o++) {
                for (var s = 0; s < settings.Seeds; s++) {
                    var seed = context.Seed + s;
                    context.Progress.Report((runs.Count / (double)total, $"{settings.Optimizers[o]}, seed {seed}"));
                    runs.Add(ShootoutRun.Run(settings, data, side, settings.Optimizers[o], settings.LearningRates[o], seed));
                }
            }
            context.Progress.Report((1, "done"));
            return ShootoutReport.Build(settings, runs);
        }
    }
}
