using System;
using System.Linq;
using Descent.Lab.Bench;
using Descent.Lab.Training;
using TorchSharp.Modules;
using Xunit;

namespace Descent.Tests.Lab.Bench;

/// <summary>The parts of <c>descent bench</c> that do not depend on timing: statistics, call counts, byte models, shapes, state sizes.</summary>
public class BenchMeasurementTests
{
    [Fact]
    public void AMeasurementHasTheMedianQuartilesAndExtremesOfItsSamples()
    {
        var m = Measurement.Of(new[] { 5.0, 1.0, 4.0, 2.0, 3.0 }, warmup: 2);
        Assert.Equal((3.0, 2.0, 4.0, 1.0, 5.0, 5, 2), (m.Median, m.Q1, m.Q3, m.Min, m.Max, m.Repeats, m.Warmup));
        Assert.Equal(2.0 / 3.0, m.RelativeSpread, 12);
        // An even count interpolates, as numpy's default quantile.
        Assert.Equal(2.5, Measurement.Of(new[] { 4.0, 1.0, 2.0, 3.0 }, 0).Median);
        Assert.Throws<ArgumentException>(() => Measurement.Of(Array.Empty<double>(), 0));
    }

    [Fact]
    public void TheTimerMakesTheWarmupCallsThenTheRepeats()
    {
        var calls = 0;
        var m = BenchTimer.Measure(() => calls++, new BenchTiming(Warmup: 3, Repeats: 7, MinRepeats: 7, BudgetSeconds: 60));
        Assert.Equal(10, calls);
        Assert.Equal((7, 3), (m.Repeats, m.Warmup));
    }

    [Fact]
    public void ASpentBudgetStopsTheTimerAtTheMinimumRepeats()
    {
        var calls = 0;
        // Every call takes longer than a picosecond, so the budget is spent after the first; the minimum still holds.
        var m = BenchTimer.Measure(() => calls++, new BenchTiming(Warmup: 0, Repeats: 50, MinRepeats: 4, BudgetSeconds: 1e-12));
        Assert.Equal(4, m.Repeats);
        Assert.Equal(4, calls);
    }

    [Fact]
    public void InvalidTimingsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BenchTiming(-1, 3, 1, 1).Validated());
        Assert.Throws<ArgumentOutOfRangeException>(() => new BenchTiming(0, 2, 3, 1).Validated());
        Assert.Throws<ArgumentOutOfRangeException>(() => new BenchTiming(0, 3, 0, 1).Validated());
        Assert.Throws<ArgumentOutOfRangeException>(() => new BenchTiming(0, 3, 1, 0).Validated());
    }

    [Fact]
    public void TheByteModelCoversEveryDefaultFamily()
    {
        Assert.Equal(7 * 4, OptimizerByteModel.BytesPerParameter("Adam"));
        Assert.Equal(5 * 4, OptimizerByteModel.BytesPerParameter("SGD"));
        Assert.All(OptimizerVariants.Families(OptimizerVariants.Default), f => Assert.True(OptimizerByteModel.BytesPerParameter(f) > 0));
        Assert.Throws<ArgumentException>(() => OptimizerByteModel.BytesPerParameter("Nonexistent"));
        // 28 bytes per parameter, 1e6 parameters, 28 GB/s: one millisecond.
        Assert.Equal(1e-3, OptimizerByteModel.FloorSeconds("Adam", 1_000_000, 28e9), 15);
    }

    [Fact]
    public void EveryDefaultFamilyHasADescentVariantAndTheRequiredOnesAreThere()
    {
        var families = OptimizerVariants.Families(OptimizerVariants.Default);
        Assert.Equal(new[] { "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Lion", "Muon" }, families);
        Assert.All(families, f => Assert.Contains(OptimizerVariants.Default, v => v.Family == f && v.IsDescent));
        Assert.Equal(5, OptimizerVariants.Default.Count(v => v.Implementation == OptimizerVariants.TorchSharp));
        Assert.Equal(OptimizerVariants.Default.Count, OptimizerVariants.Default.Select(v => v.Name).Distinct().Count());
    }

    [Theory]
    [InlineData(10, 1_000_000L, 250L, 400L)]
    [InlineData(100, 1_000_000L, 100L, 100L)]
    [InlineData(1000, 1_000_000L, 25L, 40L)]
    [InlineData(10, 10_000_000L, 1000L, 1000L)]
    [InlineData(3, 10L, 2L, 2L)]
    public void SyntheticParametersAreMatricesTotallingTheCountWithGradients(int tensors, long total, long rows, long columns)
    {
        using var model = SyntheticParameters.Create(tensors, total, seed: 1);
        Assert.Equal(tensors, model.Parameters.Count);
        Assert.Equal(total, model.Parameters.Sum(p => p.numel()));
        Assert.Equal(total, model.Count);
        Assert.Equal(new[] { rows, columns }, model.Parameters[0].shape);
        Assert.All(model.Parameters, p => {
            Assert.Equal(2, p.dim());
            Assert.NotNull(p.grad);
            Assert.Equal(p.shape, p.grad!.shape);
        });
        Assert.Equal((1L, 7L), SyntheticParameters.MatrixShape(7));
    }

    [Theory]
    [InlineData("Adam", 8.0)]
    [InlineData("SGD", 4.0)]
    [InlineData("Adagrad", 4.0)]
    public void StateBytesCountTheMomentsOfDescentAndTorchSharpAlike(string family, double bytesPerParameter)
    {
        using var threads = TorchThreads.Pin(1);
        using var model = SyntheticParameters.Create(4, 1200, seed: 1);
        foreach (var variant in OptimizerVariants.Default.Where(v => v.Family == family)) {
            var optimizer = variant.Create(model.Parameters);
            optimizer.step();
            Assert.Equal(bytesPerParameter, (double)OptimizerStateBytes.Of(optimizer) / model.Count);
            ((IDisposable)optimizer).Dispose();
        }
    }

    [Theory]
    [InlineData(1_000_000L, "1e6")]
    [InlineData(10_000_000L, "1e7")]
    [InlineData(1000L, "1e3")]
    [InlineData(100L, "100")]
    [InlineData(1200L, "1200")]
    [InlineData(0L, "0")]
    public void CountsArePowersOfTenOrInFull(long value, string text) => Assert.Equal(text, BenchFormat.Count(value));
}
