using System;
using System.Collections.Generic;
using System.Diagnostics;
using Descent.Lab.Data;
using Descent.Lab.Models;
using Descent.Lab.Training;
using Descent.Optimizers;
using Descent.Routing;
using TorchSharp;
using static TorchSharp.torch;

namespace Descent.Lab.Experiments.OptimizerShootout;

/// <summary>One evaluation of a run: after how many steps and how many seconds of training, the test accuracy and the epoch's training loss.</summary>
public sealed record ShootoutPoint(int Epoch, int Step, double Seconds, double TestAccuracy, double TrainLoss);

/// <summary>One (optimizer, seed) run: its evaluations, the last of which is the final result.</summary>
public sealed record ShootoutRunResult(string Optimizer, int Seed, double LearningRate, IReadOnlyList<ShootoutPoint> Points);

/// <summary>Trains one freshly initialised model with one library optimizer and records test accuracy after every epoch.</summary>
public static class ShootoutRun
{
    private const int EvaluationBatch = 1000;

    /// <summary>Runs one (optimizer, seed) pair.</summary>
    public static ShootoutRunResult Run(ShootoutSettings settings, TrainTestSplit data, int side, string optimizer, double lr, int seed)
    {
        using var model = Build(settings, side, seed);
        using var opt = CreateOptimizer(optimizer, model, lr, settings.FallbackLr);
        var training = new TrainingSettings(settings.Epochs, settings.BatchSize, (ulong)seed);
        var stepsPerEpoch = training.BatchesPerEpoch(data.Train.Count);
        var points = new List<ShootoutPoint> { new(0, 0, 0, Evaluation.Accuracy(model, data.Test, EvaluationBatch), double.NaN) };
        // The clock runs only while training: evaluation is the same for every optimizer and would blur the comparison.
        var clock = Stopwatch.StartNew();
        MinibatchTrainer.Train(model, opt, data.Train, training, report => {
            clock.Stop();
            var accuracy = Evaluation.Accuracy(model, data.Test, EvaluationBatch);
            points.Add(new ShootoutPoint(report.Epoch, report.Epoch * stepsPerEpoch, clock.Elapsed.TotalSeconds, accuracy, report.MeanLoss));
            model.train();
            clock.Start();
        });
        return new ShootoutRunResult(optimizer, seed, lr, points);
    }

    private static nn.Module<Tensor, Tensor> Build(ShootoutSettings settings, int side, int seed) =>
        settings.Model == "cnn"
            ? new Cnn(side, 10, (ulong)seed)
            : new Mlp(side * side, settings.Hidden, 10, (ulong)seed);

    /// <summary>
    /// The catalogue optimizer <paramref name="name"/> for <paramref name="model"/>. Matrix optimizers (Muon's family)
    /// take the router's groups, so hidden weight matrices get the matrix rule and biases, norms and the head its
    /// fallback, at <paramref name="fallbackLr"/> when positive; the others take all parameters.
    /// </summary>
    public static optim.Optimizer CreateOptimizer(string name, nn.Module model, double lr, double fallbackLr)
    {
        var descriptor = OptimizerCatalog.Get(name);
        var overrides = new Dictionary<string, object> { ["lr"] = lr };
        if (descriptor.IsMatrix && fallbackLr > 0) {
            overrides["fallback_lr"] = fallbackLr;
        }
        return descriptor.IsMatrix ? descriptor.Create(ParameterRouter.For(model), overrides) : descriptor.Create(model.parameters(), overrides);
    }
}
