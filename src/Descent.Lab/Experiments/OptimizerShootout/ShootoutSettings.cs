using System;
using System.Collections.Generic;
using System.Linq;

namespace Descent.Lab.Experiments.OptimizerShootout;

/// <summary>The resolved options of the optimizer shootout, with one learning rate per optimizer.</summary>
public sealed record ShootoutSettings(IReadOnlyList<string> Optimizers, IReadOnlyList<double> LearningRates, string Dataset,
    string DataDir, string Model, int Hidden, int Seeds, int Epochs, int BatchSize, int TrainSize, int TestSize, double FallbackLr)
{
    /// <summary>Reads the options from a context.</summary>
    /// <exception cref="ArgumentException">The learning rates are neither one value nor one per optimizer.</exception>
    public static ShootoutSettings From(ExperimentContext context)
    {
        var optimizers = context.Get<string[]>("optimizers");
        var rates = context.Get<double[]>("lr");
        if (rates.Length != 1 && rates.Length != optimizers.Length) {
            throw new ArgumentException($"--lr needs one value or one per optimizer ({optimizers.Length}: {string.Join(", ", optimizers)}); got {rates.Length}.");
        }
        var perOptimizer = optimizers.Select((_, i) => rates.Length == 1 ? rates[0] : rates[i]).ToList();
        return new ShootoutSettings(optimizers, perOptimizer, context.Get<string>("dataset"), context.Get<string>("data-dir"),
            context.Get<string>("model"), context.Get<int>("hidden"), context.Get<int>("seeds"), context.Get<int>("epochs"),
            context.Get<int>("batch-size"), context.Get<int>("train-size"), context.Get<int>("test-size"), context.Get<double>("fallback-lr"));
    }
}
