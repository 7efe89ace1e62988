using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Lab.Experiments;
using Descent.Lab.Experiments.LabelNoiseSparsity;
using Descent.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Descent.Tests.Lab.Experiments;

public sealed class LabelNoiseSparsityExperimentTests
{
    private readonly ITestOutputHelper _output;

    public LabelNoiseSparsityExperimentTests(ITestOutputHelper output) => _output = output;

    // On the zero-loss set with ±1 inputs, diag(H) = 4(u², v²) exactly, so tr(H) = 4(‖u‖² + ‖v‖²) ≥ 4‖w‖₁ and
    // tr(Diag(H)^1/2) = 2(‖u‖₁ + ‖v‖₁) ≥ 2Σ√|wⱼ| (Li, Wen & Lyu §2.2): after projection the library's exact measures must
    // respect the first, whatever the optimizer did. This checks the projection and the curvature measurement; the
    // comparison between optimizers is the next test.
    [Fact]
    public void RunsEveryOptimizerAndSeedAndProjectedMeasuresRespectTheZeroLossBounds()
    {
        TorchSetup.Deterministic(0);
        var experiment = new LabelNoiseSparsityExperiment();
        var result = experiment.Run(new ExperimentContext(ExperimentOptions.Resolve(experiment, ("optimizers", "sgd,ADAM"), ("dim", "12"), ("nonzeros", "2"),
            ("samples", "6"), ("steps", "1500"), ("measure-every", "500"), ("seeds", "2")), seed: 7));
        var rows = ((IEnumerable<Dictionary<string, object?>>)result.Summary["results"]!).ToList();
        Assert.Equal(new[] { ("SGD", 7), ("Adam", 7), ("SGD", 8), ("Adam", 8) }, rows.Select(r => ((string)r["optimizer"]!, (int)r["seed"]!)));
        foreach (var row in rows) {
            _output.WriteLine(string.Join(", ", row.Select(kv => $"{kv.Key}={kv.Value}")));
            foreach (var key in new[] { "train_loss", "test_loss", "l1_norm", "trace_hessian", "trace_sqrt_diag_hessian", "support_recovered" }) {
                Assert.True(row.ContainsKey(key) && row.ContainsKey(key + "_projected"), key);
            }
            Assert.True((double)row["train_loss_projected"]! < 1e-20);
            Assert.True((double)row["trace_hessian_projected"]! >= 4 * (double)row["l1_norm_projected"]! * (1 - 1e-9));
        }
        Assert.Equal(4 * 4, result.Metrics.Rows.Count);
        Assert.Equal(5, result.Plots.Count);
        Assert.Single(result.Tables);
    }

    // The paper's claim (Li, Wen & Lyu 2025): label-noise SGD drifts to minimise tr(H), Adam to minimise tr(Diag(H)^1/2).
    // At the default size (d = 100, k = 3, n = 6: far below ℓ1 recovery, so the minimisers differ) and 10,000 steps,
    // after projection onto the zero-loss set: SGD's tr(H) is never above Adam's (SGD reaches the minimum-ℓ1 value;
    // Adam often reaches it too, on a sparser point of the same face), and Adam's tr(Diag(H)^1/2) is below SGD's on
    // every seed here and by more than 20% on average. Over seeds 1–8 (the default run) the second ordering holds on 7;
    // the exception, seed 6, is a task whose minimum-ℓ1 solution is already sparse (5.15, the lowest of all), which Adam
    // approaches but has not reached after 10,000 steps (6.40; 5.41 after 25,000).
    [Fact]
    public void SgdEndsWithTheLowerTraceOfHAndAdamWithTheLowerTraceOfSqrtDiagH()
    {
        TorchSetup.Deterministic(0);
        var experiment = new LabelNoiseSparsityExperiment();
        var result = experiment.Run(new ExperimentContext(ExperimentOptions.Resolve(experiment, ("seeds", "4"), ("measure-every", "5000")), seed: 1));
        var rows = ((IEnumerable<Dictionary<string, object?>>)result.Summary["results"]!).ToList();
        double Measure(string optimizer, int seed, string key) =>
            (double)rows.Single(r => (string)r["optimizer"]! == optimizer && (int)r["seed"]! == seed)[key + "_projected"]!;
        var seeds = Enumerable.Range(1, 4).ToArray();
        foreach (var seed in seeds) {
            var (sgdTrace, adamTrace) = (Measure("SGD", seed, "trace_hessian"), Measure("Adam", seed, "trace_hessian"));
            var (sgdSqrt, adamSqrt) = (Measure("SGD", seed, "trace_sqrt_diag_hessian"), Measure("Adam", seed, "trace_sqrt_diag_hessian"));
            _output.WriteLine($"seed {seed}: tr(H) SGD {sgdTrace:F4} Adam {adamTrace:F4}; tr(Diag(H)^1/2) SGD {sgdSqrt:F4} Adam {adamSqrt:F4}");
            Assert.True(sgdTrace <= adamTrace * (1 + 1e-6), $"seed {seed}: tr(H) SGD {sgdTrace} > Adam {adamTrace}");
            Assert.True(adamSqrt < sgdSqrt, $"seed {seed}: tr(Diag(H)^1/2) Adam {adamSqrt} ≥ SGD {sgdSqrt}");
        }
        var meanRatio = seeds.Average(s => Measure("Adam", s, "trace_sqrt_diag_hessian")) / seeds.Average(s => Measure("SGD", s, "trace_sqrt_diag_hessian"));
        Assert.True(meanRatio < 0.8, $"mean tr(Diag(H)^1/2) Adam/SGD = {meanRatio}");
    }

    [Fact]
    public void LearningRatesAreSharedOrOnePerOptimizer()
    {
        Assert.Equal(new[] { 0.1, 0.1 }, LabelNoiseSparsityExperiment.LearningRates(new[] { 0.1 }, 2));
        Assert.Equal(new[] { 0.1, 0.01 }, LabelNoiseSparsityExperiment.LearningRates(new[] { 0.1, 0.01 }, 2));
        Assert.Throws<FormatException>(() => LabelNoiseSparsityExperiment.LearningRates(new[] { 0.1, 0.01 }, 3));
        Assert.Equal(2000, new LabelNoiseSettings("SGD", 0.1, 0.999, 1e-8, 10000, 2, 0.01, 1000, true, 0.2).DecaySteps);
        Assert.Equal(0, new LabelNoiseSettings("SGD", 0.1, 0.999, 1e-8, 10000, 2, 0.01, 1000, true, 0).DecaySteps);
        var option = new LabelNoiseSparsityExperiment().Options.Single(o => o.Name == "optimizers");
        Assert.Equal(new[] { "SGD", "Adam" }, (string[])option.Parse("sgd,adam"));
        Assert.Throws<FormatException>(() => option.Parse("sgd,nosuch"));
    }

    [Fact]
    public void SupportRecoveryNeedsTheLargestOnTheSupportAndTheRestBelowTheThreshold()
    {
        TorchSetup.Deterministic(0);
        using var generator = new TorchSharp.torch.Generator(1);
        using var task = SparseRegressionTask.Generate(6, 2, 4, InputDistribution.Rademacher, generator);
        var exact = (double[])task.Truth.Clone();
        Assert.True(task.SupportRecovered(exact));
        var off = Enumerable.Range(0, 6).First(j => !task.Support.Contains(j));
        exact[off] = 2e-3;
        Assert.False(task.SupportRecovered(exact));
        Assert.Equal(0, task.TestLoss(task.Truth));
    }
}
