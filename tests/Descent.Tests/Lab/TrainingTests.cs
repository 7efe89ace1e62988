using System.Collections.Generic;
using System.Linq;
using Descent.Lab.Data;
using Descent.Lab.Models;
using Descent.Lab.Training;
using TorchSharp;
using Xunit;

namespace Descent.Tests.Lab;

/// <summary>The MLP, the minibatch loop and the evaluation, on the real digits.</summary>
public class TrainingTests
{
    [Fact]
    public void AdamReachesGoodTestAccuracyInAFewEpochs()
    {
        using var threads = TorchThreads.Pin(1);
        using var split = Digits.LoadSplit(seed: 1);
        using var model = new Mlp(64, 64, 10, seed: 1);
        var before = Evaluation.Accuracy(model, split.Test);

        var losses = MinibatchTrainer.Train(
            model, parameters => torch.optim.Adam(parameters, 1e-2), split.Train, new TrainingSettings(5, 32, 1));
        var after = Evaluation.Accuracy(model, split.Test);

        Assert.Equal(5, losses.Count);
        Assert.True(losses[^1] < losses[0], $"the loss should fall: {string.Join(", ", losses)}");
        Assert.True(before < 0.3, $"an untrained network should be near chance, got {before:P1}");
        Assert.True(after > 0.85, $"test accuracy after 5 epochs of Adam was only {after:P1}");
    }

    [Fact]
    public void SameSeedGivesBitwiseIdenticalRuns()
    {
        using var threads = TorchThreads.Pin(1);
        using var split = Digits.LoadSplit(seed: 2);

        var first = TrainSgd(split.Train, seed: 5);
        var second = TrainSgd(split.Train, seed: 5);
        var other = TrainSgd(split.Train, seed: 6);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void MlpInitialisationDependsOnlyOnTheSeed()
    {
        using var a = new Mlp(64, 16, 10, seed: 9);
        torch.manual_seed(12345);
        using var b = new Mlp(64, 16, 10, seed: 9);
        using var c = new Mlp(64, 16, 10, seed: 10);

        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        var pc = c.parameters().ToList();
        Assert.Equal(4, pa.Count);
        Assert.All(pa.Zip(pb), pair => Assert.True(pair.First.Equals(pair.Second)));
        Assert.False(pa[0].Equals(pc[0]));
        // PyTorch's default Linear range, U(±1/√fan_in).
        Assert.True(pa[0].abs().max().item<float>() <= 1 / 8f);
    }

    [Fact]
    public void TrainingLeaksNoTensorsPerStep()
    {
        using var threads = TorchThreads.Pin(1);
        using var split = Digits.LoadSplit(seed: 4);

        var shortRun = LiveTensorsLeftBy(split.Train, epochs: 1);
        var longRun = LiveTensorsLeftBy(split.Train, epochs: 4);

        // Whatever the optimizer keeps (its state) is per parameter; nothing may pile up per batch or per epoch.
        Assert.Equal(shortRun, longRun);
    }

    [Fact]
    public void EpochCallbackReportsEveryEpochInOrder()
    {
        using var threads = TorchThreads.Pin(1);
        using var split = Digits.LoadSplit(seed: 1);
        using var model = new Mlp(64, 8, 10, seed: 1);
        var reports = new List<EpochReport>();

        var losses = MinibatchTrainer.Train(
            model, parameters => torch.optim.SGD(parameters, 0.1), split.Train, new TrainingSettings(3, 500, 1),
            reports.Add);

        Assert.Equal(new[] { 1, 2, 3 }, reports.Select(report => report.Epoch));
        Assert.All(reports, report => Assert.Equal(3, report.Epochs));
        Assert.Equal(losses, reports.Select(report => report.MeanLoss));
    }

    private static IReadOnlyList<double> TrainSgd(LabeledData data, ulong seed)
    {
        using var model = new Mlp(64, 32, 10, seed);
        return MinibatchTrainer.Train(
            model,
            parameters => torch.optim.SGD(parameters, 0.05, momentum: 0.9),
            data,
            new TrainingSettings(2, 64, seed));
    }

    private static long LiveTensorsLeftBy(LabeledData data, int epochs)
    {
        using var model = new Mlp(64, 16, 10, seed: 1);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        MinibatchTrainer.Train(
            model,
            parameters => torch.optim.SGD(parameters, 0.05, momentum: 0.9),
            data,
            new TrainingSettings(epochs, 64, 1));
        return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
    }
}
