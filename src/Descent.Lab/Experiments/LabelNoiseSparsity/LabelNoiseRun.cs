using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;
using Descent.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Descent.Lab.Experiments.LabelNoiseSparsity;

/// <summary>One point of a run's series.</summary>
/// <param name="Step">Steps taken.</param>
/// <param name="TrainLoss">Clean training loss.</param>
/// <param name="TestLoss">Population loss.</param>
/// <param name="TraceHessian">tr(H).</param>
/// <param name="TraceSqrtDiagHessian">tr(Diag(H)^{1/2}).</param>
public sealed record LabelNoisePoint(int Step, double TrainLoss, double TestLoss, double TraceHessian, double TraceSqrtDiagHessian);

/// <summary>The outcome of one (optimizer, seed) run.</summary>
/// <param name="Optimizer">The optimizer's catalogue name.</param>
/// <param name="Seed">The seed of the task and the label noise.</param>
/// <param name="Final">The measures at the last iterate.</param>
/// <param name="Projected">The measures after projection onto the zero-loss set (null when not asked for).</param>
/// <param name="Series">Measurements during training.</param>
public sealed record LabelNoiseOutcome(string Optimizer, int Seed, SolutionMeasures Final, SolutionMeasures? Projected,
    IReadOnlyList<LabelNoisePoint> Series);

/// <summary>
/// Label-noise training of a diagonal network: every step adds a fresh ±δ (Rademacher) to every training label and
/// takes the full-batch gradient (label-noise GD, as in the seed paper's code), then the optimizer's step.
/// </summary>
public static class LabelNoiseRun
{
    /// <summary>Trains from u = v = α·1 on <paramref name="task"/>; the label noise is drawn from <paramref name="seed"/>.</summary>
    /// <param name="task">The regression task (not changed).</param>
    /// <param name="settings">The optimizer and training options.</param>
    /// <param name="seed">The label noise's seed (the same for every optimizer, so they see the same noise).</param>
    /// <param name="progress">Called with the number of steps done.</param>
    public static LabelNoiseOutcome Train(SparseRegressionTask task, LabelNoiseSettings settings, int seed, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(settings);
        using var network = DiagonalLinearNetwork.Create(task.Dimension, settings.InitScale);
        using var optimizer = CreateOptimizer(network, settings);
        // Constant, then a linear decay to 0 over the last DecaySteps (the library's WSD schedule): the label noise keeps
        // the iterate jittering around the minimiser it drifted to, and the decay lets it settle there before measuring.
        var schedule = new WarmupStableDecayLR(optimizer, warmup_steps: 0, decay_steps: settings.DecaySteps,
            total_steps: settings.Steps, decay_type: DecayShape.Linear);
        using var noise = new Generator((ulong)seed);
        var series = new List<LabelNoisePoint> { Point(0, network, task) };
        for (var step = 1; step <= settings.Steps; step++) {
            using (var scope = NewDisposeScope()) {
                var noisy = task.Targets.add(SparseRegressionTask.Rademacher(task.Targets.shape, noise).mul_(settings.Noise));
                optimizer.zero_grad();
                network.Loss(task.Inputs, noisy).backward();
                optimizer.step();
                schedule.step();
            }
            if (step % settings.MeasureEvery == 0 || step == settings.Steps) {
                series.Add(Point(step, network, task));
                progress?.Invoke(step);
            }
        }
        var final = SolutionMeasures.Of(network, task);
        SolutionMeasures? projected = null;
        if (settings.Project) {
            ZeroLossProjection.Project(network, task);
            projected = SolutionMeasures.Of(network, task);
        }
        return new LabelNoiseOutcome(settings.Optimizer, seed, final, projected, series);
    }

    /// <summary>The optimizer from the catalogue, with lr and, where it takes them, beta2 and eps.</summary>
    public static DescentOptimizer CreateOptimizer(DiagonalLinearNetwork network, LabelNoiseSettings settings)
    {
        var descriptor = OptimizerCatalog.Get(settings.Optimizer);
        var overrides = new Dictionary<string, object> { ["lr"] = settings.LearningRate };
        foreach (var (name, value) in new[] { ("beta2", settings.Beta2), ("eps", settings.Epsilon) }) {
            if (descriptor.Defaults.Any(d => d.Key == name)) {
                overrides[name] = value;
            }
        }
        return descriptor.Create(network.Parameters, overrides);
    }

    private static LabelNoisePoint Point(int step, DiagonalLinearNetwork network, SparseRegressionTask task)
    {
        var (trace, traceSqrt) = SolutionMeasures.Sharpness(network, task);
        return new LabelNoisePoint(step, network.LossValue(task.Inputs, task.Targets), task.TestLoss(network.WeightValues()), trace, traceSqrt);
    }
}
