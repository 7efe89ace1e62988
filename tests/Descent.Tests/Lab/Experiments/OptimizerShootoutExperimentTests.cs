using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Descent.Lab.Data;
using Descent.Lab.Experiments;
using Descent.Lab.Experiments.OptimizerShootout;
using Descent.Tests.Support;
using Xunit;

namespace Descent.Tests.Lab.Experiments;

/// <summary>The optimizer shootout: a tiny run on the digits, Fashion-MNIST from IDX files, and the missing-data message.</summary>
public class OptimizerShootoutExperimentTests
{
    // --fallback-lr reaches the matrix optimizers' fallback groups (the CNN keeps most weights there); 0 leaves the default.
    [Fact]
    public void FallbackLearningRateReachesTheMatrixOptimizersFallbackGroups()
    {
        TorchSetup.Deterministic(0);
        using var model = new Descent.Lab.Models.Cnn(8, 10, 1);
        double[] FallbackRates(double fallbackLr)
        {
            using var optimizer = (Descent.Core.DescentOptimizer)ShootoutRun.CreateOptimizer("muon", model, 0.05, fallbackLr);
            return optimizer.Groups.Select(g => g.Options.LearningRate!.Value).Where(lr => lr != 0.05).Distinct().ToArray();
        }
        Assert.Equal(new[] { 0.01 }, FallbackRates(0.01));
        Assert.Equal(new[] { 3e-4 }, FallbackRates(0));
        using var sgd = ShootoutRun.CreateOptimizer("sgd", model, 0.1, 0.01);
        Assert.All(((Descent.Core.DescentOptimizer)sgd).Groups, g => Assert.Equal(0.1, g.Options.LearningRate));
    }

    [Fact]
    public void TinyShootoutOnDigitsReportsOneResultPerOptimizerAndSeed()
    {
        TorchSetup.Deterministic(0);
        var experiment = new OptimizerShootoutExperiment();
        var options = ExperimentOptions.Resolve(experiment, ("optimizers", "sgd,adam,muon"), ("lr", "0.1,0.003,0.05"),
            ("seeds", "2"), ("epochs", "2"), ("train-size", "300"));
        var result = experiment.Run(new ExperimentContext(options, 5));

        var runs = (List<Dictionary<string, object?>>)result.Summary["results"]!;
        var pairs = runs.Select(r => ((string)r["optimizer"]!, (int)r["seed"]!)).ToList();
        Assert.Equal(new[] { ("SGD", 5), ("SGD", 6), ("Adam", 5), ("Adam", 6), ("Muon", 5), ("Muon", 6) }, pairs);
        // 300 examples in batches of 32: 10 steps an epoch; chance is 10%, and two epochs of any of these get well above it.
        Assert.All(runs, r => Assert.Equal(20, (int)r["steps"]!));
        Assert.All(runs, r => Assert.InRange((double)r["final_test_accuracy"]!, 0.3, 1.0));
        Assert.Equal(3, ((Dictionary<string, object?>)result.Summary["per_optimizer"]!).Count);
        Assert.Equal(6 * 3, result.Metrics.Rows.Count); // step 0 and two epochs per run
        Assert.Equal(new[] { "accuracy_vs_step", "accuracy_vs_time" }, result.Plots.Select(p => p.Name));

        // The same seed gives the same accuracies (times differ, so they are left out).
        var again = (List<Dictionary<string, object?>>)experiment.Run(new ExperimentContext(options, 5)).Summary["results"]!;
        Assert.Equal(runs.Select(r => r["final_test_accuracy"]), again.Select(r => r["final_test_accuracy"]));
        Assert.Equal(runs.Select(r => r["final_train_loss"]), again.Select(r => r["final_train_loss"]));
    }

    [Fact]
    public void MissingFashionMnistSaysHowToInstallIt()
    {
        var empty = Directory.CreateTempSubdirectory("fashion-empty-");
        try {
            var experiment = new OptimizerShootoutExperiment();
            var options = ExperimentOptions.Resolve(experiment, ("dataset", "fashion-mnist"), ("data-dir", empty.FullName));
            var error = Assert.Throws<DatasetMissingException>(() => experiment.Run(new ExperimentContext(options, 1)));
            Assert.Contains("apt-get install dataset-fashion-mnist", error.Message);
            Assert.Contains(empty.FullName, error.Message);
            Assert.IsAssignableFrom<FileNotFoundException>(error);
        } finally {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void FashionMnistRunsFromIdxFilesWithTheCnnOn28x28Images()
    {
        var dir = Directory.CreateTempSubdirectory("fashion-tiny-");
        try {
            WriteFashion(dir.FullName, "train", 40);
            WriteFashion(dir.FullName, "t10k", 20);
            TorchSetup.Deterministic(0);
            var experiment = new OptimizerShootoutExperiment();
            var options = ExperimentOptions.Resolve(experiment, ("optimizers", "adam"), ("lr", "0.001"), ("dataset", "fashion-mnist"),
                ("data-dir", dir.FullName), ("model", "cnn"), ("seeds", "1"), ("epochs", "1"), ("batch-size", "20"));
            var result = experiment.Run(new ExperimentContext(options, 1));
            var run = Assert.Single((List<Dictionary<string, object?>>)result.Summary["results"]!);
            Assert.Equal(2, (int)run["steps"]!);
        } finally {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void LearningRatesMustMatchTheOptimizers()
    {
        var experiment = new OptimizerShootoutExperiment();
        var options = ExperimentOptions.Resolve(experiment, ("optimizers", "sgd,adam"), ("lr", "0.1,0.2,0.3"));
        var error = Assert.Throws<ArgumentException>(() => experiment.Run(new ExperimentContext(options, 1)));
        Assert.Contains("--lr", error.Message);
    }

    // Random pixels and labels: enough to exercise reading and the 28×28 CNN, not to learn anything.
    private static void WriteFashion(string dir, string prefix, int count)
    {
        var random = new Random(count);
        var pixels = new byte[count * 28 * 28];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        File.WriteAllBytes(Path.Combine(dir, $"{prefix}-images-idx3-ubyte"), IdxFileTests.Idx(0x08, new[] { count, 28, 28 }, pixels));
        File.WriteAllBytes(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte"), IdxFileTests.Idx(0x08, new[] { count }, labels));
    }
}
