using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch.optim.lr_scheduler;

namespace Descent.Tests.Schedules;

/// <summary>A TorchSharp SGD optimizer with one small parameter per param group, to drive schedulers.</summary>
internal sealed class SgdHarness : IDisposable
{
    private readonly List<Parameter> _parameters;

    /// <summary>One param group per learning rate, each holding a two-element parameter.</summary>
    public SgdHarness(params double[] learningRates)
    {
        _parameters = learningRates.Select(_ => new Parameter(torch.zeros(2, dtype: torch.float64))).ToList();
        var groups = learningRates.Select((lr, i) => new SGD.ParamGroup(new[] { _parameters[i] }, lr: lr));
        Optimizer = torch.optim.SGD(groups, learningRates[0]);
    }

    public torch.optim.Optimizer Optimizer { get; }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Every group's current learning rate.</summary>
    public double[] LearningRates => Optimizer.ParamGroups.Select(group => group.LearningRate).ToArray();

    /// <summary>
    /// The learning rates at s = 0 (right after construction) through <paramref name="steps"/>, stepping
    /// optimizer then scheduler as in a training loop; <c>result[s][group]</c>. Also checks that
    /// <c>get_last_lr()</c> reports what the param groups hold.
    /// </summary>
    public double[][] Run(LRScheduler scheduler, int steps)
    {
        var rates = new double[steps + 1][];
        for (var s = 0; s <= steps; s++) {
            if (s > 0) {
                Optimizer.step();
                scheduler.step();
            }
            rates[s] = LearningRates;
            Assert.Equal(rates[s], scheduler.get_last_lr().ToArray());
        }
        return rates;
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        foreach (var parameter in _parameters) {
            parameter.Dispose();
        }
    }
}

/// <summary>Assertions shared by the schedule tests.</summary>
internal static class ScheduleAssert
{
    public const double Tolerance = 1e-12;

    /// <summary>|expected − actual| ≤ 1e-12, with the step and group in the failure message.</summary>
    public static void Close(double expected, double actual, int step, int group = 0)
    {
        Assert.True(
            Math.Abs(expected - actual) <= Tolerance,
            $"s = {step}, group {group}: expected {expected:R}, got {actual:R}");
    }

    /// <summary>
    /// Every group's rate at every step equals <c>expected(s, group)</c> to 1e-12.
    /// </summary>
    public static void Sequence(double[][] rates, Func<int, int, double> expected)
    {
        for (var s = 0; s < rates.Length; s++) {
            for (var g = 0; g < rates[s].Length; g++) {
                Close(expected(s, g), rates[s][g], s, g);
            }
        }
    }

    /// <summary>
    /// The action throws exactly <see cref="ArgumentException"/> naming <paramref name="parameter"/>, with the message
    /// "<paramref name="parameter"/> = <paramref name="value"/> is out of range; allowed: <paramref name="allowed"/>"
    /// (plus the "(Parameter '…')" suffix .NET appends).
    /// </summary>
    public static void OutOfRange(Action action, string parameter, string value, string allowed)
    {
        var error = Assert.Throws<ArgumentException>(action);
        Assert.Equal(parameter, error.ParamName);
        var message = $"{parameter} = {value} is out of range; allowed: {allowed}. (Parameter '{parameter}')";
        Assert.Equal(message, error.Message);
    }
}
