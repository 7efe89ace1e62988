using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Curvature;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Descent.Tests.Curvature;

/// <summary>
/// The simple gradient noise scale on least squares, where per-example gradients g_i = 2(x_iᵀw − y_i)x_i are known, so
/// ‖G‖² and tr(Σ) over the finite data set are exact: the two-batch estimators are unbiased (within 3 standard errors
/// over seeded draws), the ratio of averages is consistent where the average of ratios is not, and the EMA tracker
/// settles on the one-shot value.
/// </summary>
/// <remarks>
/// Tolerances: the mean of R independent unbiased draws is within 3 standard errors of the truth with probability
/// ≈ 0.997 (CLT); the seeds are fixed, so each test is deterministic and the 3-SE band is an honest, not a tuned, bound.
/// </remarks>
public class GradientNoiseScaleTests
{
    [Fact]
    public void TheTwoBatchFormulasInvertTheExpectedNorms()
    {
        // ‖G‖² = 2, tr Σ = 10: E‖G_5‖² = 2 + 10/5 = 4, E‖G_20‖² = 2 + 10/20 = 2.5.
        var sample = new NoiseScaleSample(4, 5, 2.5, 20);
        Assert.Equal(2, sample.GradientNormSquared, 14);
        Assert.Equal(10, sample.TraceCovariance, 13);
    }

    [Fact]
    public void TheEstimatorsFromAModelAreUnbiased()
    {
        TorchSetup.Deterministic(11);
        var problem = new Regression(examples: 64, features: 4, offset: 0.6);
        using var generator = new Generator(11);
        var estimate = GradientNoiseScale.Estimate(problem.Model, problem.Loss,
            problem.Batches(generator, size: 8, count: 4 * 600), smallBatchesPerBig: 4);

        Assert.Equal(600, estimate.Samples.Count);
        Assert.Equal(2400, estimate.Gradients);
        Assert.Equal(8, estimate.Samples[0].SmallBatchSize, 12);
        Assert.Equal(32, estimate.Samples[0].BigBatchSize);
        AssertWithin(problem.GradientNormSquared, estimate.GradientNormSquared, estimate.GradientNormSquaredStandardError, "‖G‖²");
        AssertWithin(problem.TraceCovariance, estimate.TraceCovariance, estimate.TraceCovarianceStandardError, "tr Σ");
        AssertWithin(problem.TraceCovariance / problem.GradientNormSquared, estimate.SimpleNoiseScale,
            estimate.SimpleNoiseScaleStandardError, "B_simple");
        // The standard errors are informative, not vacuous: small beside the quantities they qualify.
        Assert.True(estimate.TraceCovarianceStandardError < 0.1 * problem.TraceCovariance);
        Assert.True(estimate.GradientNormSquaredStandardError < 0.2 * problem.GradientNormSquared);
    }

    [Fact]
    public void UnequalSmallBatchesUseTheHarmonicMeanAndStayUnbiased()
    {
        TorchSetup.Deterministic(12);
        var problem = new Regression(examples: 50, features: 3, offset: 0.8);
        using var generator = new Generator(12);
        var sizes = new[] { 4L, 12L, 6L };
        var gradients = Enumerable.Range(0, 3 * 1500).Select(i => (problem.BatchGradient(generator, sizes[i % 3]), sizes[i % 3]));
        var estimate = GradientNoiseScale.FromGradients(gradients, smallBatchesPerBig: 3);
        Assert.Equal(3 / (1.0 / 4 + 1.0 / 12 + 1.0 / 6), estimate.Samples[0].SmallBatchSize, 12);
        Assert.Equal(22, estimate.Samples[0].BigBatchSize);
        AssertWithin(problem.GradientNormSquared, estimate.GradientNormSquared, estimate.GradientNormSquaredStandardError, "‖G‖²");
        AssertWithin(problem.TraceCovariance, estimate.TraceCovariance, estimate.TraceCovarianceStandardError, "tr Σ");
    }

    [Fact]
    public void TheRatioOfAveragesIsConsistentWhereTheAverageOfRatiosIsBiased()
    {
        // Each draw's ‖G‖² estimate is positive here but noisy (coefficient of variation ≈ 0.4), so by Jensen's
        // inequality the mean of per-draw ratios S_r/G_r overshoots tr Σ/‖G‖² by a fixed factor that more draws do not
        // remove, while mean(S)/mean(G) converges to it.
        TorchSetup.Deterministic(13);
        var problem = new Regression(examples: 64, features: 4, offset: 0.6);
        using var generator = new Generator(13);
        var gradients = Enumerable.Range(0, 4 * 4000).Select(_ => (problem.BatchGradient(generator, 32), 32L));
        var estimate = GradientNoiseScale.FromGradients(gradients, smallBatchesPerBig: 4);
        var truth = problem.TraceCovariance / problem.GradientNormSquared;

        AssertWithin(truth, estimate.SimpleNoiseScale, estimate.SimpleNoiseScaleStandardError, "ratio of averages");
        Assert.All(estimate.Samples, s => Assert.True(s.GradientNormSquared > 0)); // the bias is Jensen's, not a division by ≤ 0
        var averageOfRatios = estimate.Samples.Average(s => s.TraceCovariance / s.GradientNormSquared);
        var bound = 10 * estimate.SimpleNoiseScaleStandardError;
        Assert.True(averageOfRatios - truth > bound,
            $"average of ratios {averageOfRatios:G6} vs truth {truth:G6}: expected above it by more than {bound:G3}");
    }

    [Fact]
    public void TheTrackerSettlesOnTheOneShotValueOnStationaryData()
    {
        TorchSetup.Deterministic(14);
        var problem = new Regression(examples: 64, features: 4, offset: 0.6);
        // Generators live in using declarations: TorchSharp passes a generator's raw handle to native code, so one that
        // became unreachable during a draw could be finalized (freed) while the draw still reads it.
        using var first = new Generator(140);
        using var second = new Generator(141);
        var oneShot = GradientNoiseScale.FromGradients(Draws(problem, first, 8, 4 * 2000), smallBatchesPerBig: 4);
        using var tracker = new NoiseScaleTracker(smallBatchesPerBig: 4, beta: 0.99);
        foreach (var (gradient, size) in Draws(problem, second, 8, 4 * 3000)) {
            tracker.Observe(gradient, size);
        }
        Assert.Equal(3000, tracker.Updates);

        // At stationarity an EMA of i.i.d. draws with standard deviation σ has standard deviation σ·√((1 − β)/(1 + β));
        // σ = SE·√R from the one-shot estimate, whose own SE adds in quadrature.
        var shrink = Math.Sqrt((1 - 0.99) / (1 + 0.99) * oneShot.Samples.Count);
        AssertWithin(oneShot.TraceCovariance, tracker.TraceCovariance,
            Combined(oneShot.TraceCovarianceStandardError, shrink), "tracked tr Σ");
        AssertWithin(oneShot.GradientNormSquared, tracker.GradientNormSquared,
            Combined(oneShot.GradientNormSquaredStandardError, shrink), "tracked ‖G‖²");
        AssertWithin(oneShot.SimpleNoiseScale, tracker.SimpleNoiseScale,
            Combined(oneShot.SimpleNoiseScaleStandardError, shrink), "tracked B_simple");
    }

    [Fact]
    public void BiasCorrectionMakesTheAverageOfAConstantExactFromTheFirstDraw()
    {
        using var tracker = new NoiseScaleTracker(beta: 0.99);
        Assert.True(double.IsNaN(tracker.SimpleNoiseScale));
        var sample = new NoiseScaleSample(4, 5, 2.5, 20);
        foreach (var updates in new[] { 1, 2, 50 }) {
            while (tracker.Updates < updates) {
                tracker.Update(sample);
            }
            Assert.Equal(10, tracker.TraceCovariance, 12);
            Assert.Equal(2, tracker.GradientNormSquared, 12);
            Assert.Equal(5, tracker.SimpleNoiseScale, 12);
        }
    }

    [Fact]
    public void TheTrackerReadsATrainingLoopsGradientsLikeTheOneShotEstimate()
    {
        TorchSetup.Deterministic(15);
        var problem = new Regression(examples: 40, features: 3, offset: 0.5);
        using var generator = new Generator(15);
        var batches = problem.Batches(generator, size: 5, count: 6).ToList();
        var oneShot = GradientNoiseScale.Estimate(problem.Model, problem.Loss, batches, smallBatchesPerBig: 3);

        using var tracker = new NoiseScaleTracker(smallBatchesPerBig: 3, beta: 0);
        var completed = new List<NoiseScaleSample>();
        foreach (var (input, target) in batches) {
            problem.Model.zero_grad();
            problem.Loss(problem.Model.call(input), target).backward();
            if (tracker.Observe(problem.Model.parameters(), input.size(0))) {
                completed.Add(tracker.Last!.Value);
                Assert.Equal(tracker.Last!.Value.TraceCovariance, tracker.TraceCovariance, 12); // β = 0: the last draw
            }
        }
        Assert.Equal(2, completed.Count);
        for (var i = 0; i < 2; i++) {
            Assert.Equal(oneShot.Samples[i].SmallNormSquared, completed[i].SmallNormSquared, 12);
            Assert.Equal(oneShot.Samples[i].BigNormSquared, completed[i].BigNormSquared, 12);
        }
    }

    [Fact]
    public void ANonFiniteGradientDropsItsGroupInTheTrackerAndFailsTheOneShotEstimate()
    {
        using var tracker = new NoiseScaleTracker(smallBatchesPerBig: 2);
        Assert.False(tracker.Observe(tensor(new[] { 1.0, 2.0 }), 4));
        Assert.False(tracker.Observe(tensor(new[] { double.NaN, 2.0 }), 4));
        Assert.Equal(1, tracker.SkippedGroups);
        Assert.False(tracker.Observe(tensor(new[] { 1.0, 2.0 }), 4)); // a new group starts
        Assert.True(tracker.Observe(tensor(new[] { 1.0, 0.0 }), 4));
        Assert.Equal(1, tracker.Updates);

        var gradients = new[] { (tensor(new[] { 1.0 }), 2L), (tensor(new[] { double.PositiveInfinity }), 2L) };
        Assert.Throws<InvalidOperationException>(() => GradientNoiseScale.FromGradients(gradients, 2));
    }

    [Fact]
    public void EstimatesLeaveNoLiveTemporariesAndTheCallersGradientsAlive()
    {
        TorchSetup.Deterministic(16);
        var problem = new Regression(examples: 20, features: 3, offset: 0.5);
        using var batchGenerator = new Generator(16);
        var batches = problem.Batches(batchGenerator, size: 4, count: 4).ToList();
        var gradients = Enumerable.Range(0, 4).Select(_ => {
            using var generator = new Generator(17);
            return (problem.BatchGradient(generator, 4), 4L);
        }).ToList();
        using var tracker = new NoiseScaleTracker(smallBatchesPerBig: 2);
        problem.Model.zero_grad();
        problem.Loss(problem.Model.call(batches[0].Input), batches[0].Target).backward();
        using var scope = NewDisposeScope();
        var before = scope.DisposablesCount;
        GradientNoiseScale.Estimate(problem.Model, problem.Loss, batches, smallBatchesPerBig: 2);
        GradientNoiseScale.FromGradients(gradients, smallBatchesPerBig: 2);
        foreach (var (gradient, size) in gradients) {
            tracker.Observe(gradient, size);
        }
        tracker.Observe(problem.Model.parameters(), 4);
        Assert.Equal(before, scope.DisposablesCount);
        Assert.All(gradients, g => Assert.False(g.Item1.IsInvalid));
    }

    [Fact]
    public void InvalidArgumentsAreRejectedByName()
    {
        var g = (tensor(new[] { 1.0 }), 2L);
        Assert.Equal("smallBatchesPerBig", Assert.Throws<ArgumentException>(() => GradientNoiseScale.FromGradients(new[] { g, g, g, g }, 1)).ParamName);
        Assert.Equal("smallBatchGradients", Assert.Throws<ArgumentException>(() => GradientNoiseScale.FromGradients(new[] { g, g, g }, 2)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentException>(() => GradientNoiseScale.FromGradients(new[] { (tensor(new[] { 1.0 }), 0L) }, 2)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => GradientNoiseScale.FromGradients(new[] { g, (tensor(new[] { 1.0, 2.0 }), 2L) }, 2)).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentException>(() => new NoiseScaleTracker(beta: 1)).ParamName);
        Assert.Equal("bigBatchSize", Assert.Throws<ArgumentException>(() => new NoiseScaleSample(1, 8, 1, 8)).ParamName);
        Assert.Equal("smallBatchSize", Assert.Throws<ArgumentException>(() => new NoiseScaleSample(1, 0, 1, 8)).ParamName);
    }

    private static double Combined(double standardError, double shrink) =>
        Math.Sqrt(standardError * standardError + Math.Pow(standardError * shrink, 2));

    private static IEnumerable<(Tensor, long)> Draws(Regression problem, Generator generator, long size, int count) =>
        Enumerable.Range(0, count).Select(_ => (problem.BatchGradient(generator, size), size));

    private static void AssertWithin(double truth, double estimate, double standardError, string what) =>
        Assert.True(Math.Abs(estimate - truth) <= 3 * standardError,
            $"{what}: estimate {estimate:G6} vs truth {truth:G6}, |Δ| = {Math.Abs(estimate - truth):G3} > 3·SE = {3 * standardError:G3}");

    /// <summary>
    /// Least squares L(w) = mean_i (x_iᵀw − y_i)² on a fixed data set, at w = w_LS + offset·u (u a unit vector), with
    /// batches sampled with replacement. Exact: G = mean_i g_i and tr Σ = mean_i ‖g_i‖² − ‖G‖².
    /// </summary>
    private sealed class Regression
    {
        private readonly Tensor _inputs;
        private readonly Tensor _targets;
        private readonly Tensor _perExample;

        public Regression(int examples, int features, double offset)
        {
            _inputs = randn(examples, features, dtype: ScalarType.Float64);
            _targets = _inputs.matmul(randn(features, dtype: ScalarType.Float64)).add(randn(examples, dtype: ScalarType.Float64));
            var leastSquares = linalg.lstsq(_inputs, _targets.unsqueeze(1)).Solution.squeeze(1);
            var direction = randn(features, dtype: ScalarType.Float64);
            var w = leastSquares.add(direction.div(direction.norm()), alpha: offset);
            Model = nn.Linear(features, 1, hasBias: false, dtype: ScalarType.Float64);
            using (no_grad()) {
                Model.weight!.copy_(w.unsqueeze(0));
            }
            _perExample = _inputs.matmul(w).sub(_targets).mul(2).unsqueeze(1).mul(_inputs);
            var mean = _perExample.mean(new long[] { 0 });
            GradientNormSquared = mean.dot(mean).ToDouble();
            TraceCovariance = _perExample.square().sum(1).mean().ToDouble() - GradientNormSquared;
        }

        public TorchSharp.Modules.Linear Model { get; }

        public double GradientNormSquared { get; }

        public double TraceCovariance { get; }

        public Tensor Loss(Tensor output, Tensor target) => nn.functional.mse_loss(output, target);

        public IEnumerable<(Tensor Input, Tensor Target)> Batches(Generator generator, long size, int count)
        {
            for (var i = 0; i < count; i++) {
                var index = randint(0, _inputs.size(0), new[] { size }, generator: generator);
                yield return (_inputs[index], _targets[index].unsqueeze(1));
            }
        }

        public Tensor BatchGradient(Generator generator, long size)
        {
            var index = randint(0, _inputs.size(0), new[] { size }, generator: generator);
            return _perExample[index].mean(new long[] { 0 });
        }
    }
}
