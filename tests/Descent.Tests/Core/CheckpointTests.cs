using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;
using Descent.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Core;

/// <summary>Save, load and continue equals training without interruption; bad files are refused and change nothing.</summary>
public class CheckpointTests
{
    public static IEnumerable<object[]> Names() => OptimizerContractTests.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void ResumingFromACheckpointEqualsUninterruptedTraining(string name)
    {
        TorchSetup.Deterministic();
        var (straight, lossStraight) = Problems.Regression(seed: 5);
        using var reference = OptimizerCatalog.Get(name).Create(straight);
        OptimizerContractTests.TakeSteps(reference, straight, lossStraight, 10);

        var (resumed, lossResumed) = Problems.Regression(seed: 5);
        using var first = OptimizerCatalog.Get(name).Create(resumed);
        OptimizerContractTests.TakeSteps(first, resumed, lossResumed, 5);
        using var file = new MemoryStream();
        first.SaveCheckpoint(file);
        file.Position = 0;
        using var second = OptimizerCatalog.Get(name).Create(resumed);
        second.LoadCheckpoint(file);
        OptimizerContractTests.TakeSteps(second, resumed, lossResumed, 5);

        Assert.Equal(Problems.Snapshot(straight), Problems.Snapshot(resumed));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TorchSharpsOwnStateDictionaryFormatRoundTrips(string name)
    {
        TorchSetup.Deterministic();
        var (parameters, loss) = Problems.Regression(seed: 6);
        using var first = OptimizerCatalog.Get(name).Create(parameters);
        OptimizerContractTests.TakeSteps(first, parameters, loss, 3);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) {
            first.save_state_dict(writer);
        }
        buffer.Position = 0;
        using var second = OptimizerCatalog.Get(name).Create(parameters);
        using (var reader = new BinaryReader(buffer)) {
            second.load_state_dict(reader);
        }
        Assert.All(first.States().Zip(second.States()), pair => Assert.True(pair.First.ApproximatelyEquals(pair.Second)));
    }

    [Fact]
    public void LoadingIntoAnotherOptimizerTypeIsRefused()
    {
        var p = new Parameter(ones(3));
        using var adam = new Adam(new[] { p });
        using var sgd = new SGD(new[] { p }, momentum: 0.9);
        var file = Save(adam);
        var error = Assert.Throws<InvalidDataException>(() => sgd.LoadCheckpoint(new MemoryStream(file)));
        Assert.Contains("Descent.Optimizers.Adam", error.Message);
    }

    [Fact]
    public void LoadingForParametersOfAnotherShapeIsRefused()
    {
        using var saved = new Adam(new[] { new Parameter(ones(3, 2)) });
        using var target = new Adam(new[] { new Parameter(ones(2, 3)) });
        var error = Assert.Throws<InvalidDataException>(() => target.LoadCheckpoint(new MemoryStream(Save(saved))));
        Assert.Contains("shape [3, 2]", error.Message);
    }

    [Fact]
    public void LoadingWithDifferentStateLayoutIsRefused()
    {
        using var saved = new Adam(new[] { new Parameter(ones(3)) }, amsgrad: true);
        using var target = new Adam(new[] { new Parameter(ones(3)) });
        var error = Assert.Throws<InvalidDataException>(() => target.LoadCheckpoint(new MemoryStream(Save(saved))));
        Assert.Contains("max_exp_avg_sq", error.Message);
    }

    [Fact]
    public void EveryTruncationAndCorruptionIsRefusedAndChangesNothing()
    {
        TorchSetup.Deterministic();
        var (parameters, loss) = Problems.Regression(seed: 7);
        using var source = new Adam(parameters, lr: 0.01, amsgrad: true);
        OptimizerContractTests.TakeSteps(source, parameters, loss, 4);
        var file = Save(source);

        using var target = new Adam(parameters, lr: 0.02, amsgrad: true);
        OptimizerContractTests.TakeSteps(target, parameters, loss, 1);
        var before = Save(target);
        var random = new Random(11);
        var cuts = Enumerable.Range(0, 64).Select(i => i * file.Length / 64).Concat(new[] { file.Length - 1 });
        foreach (var cut in cuts) {
            Assert.Throws<InvalidDataException>(() => target.LoadCheckpoint(new MemoryStream(file[..cut])));
        }
        // Every header byte (magic, version, type name, length, checksum), then random bytes anywhere.
        var positions = Enumerable.Range(0, 100).Concat(Enumerable.Range(0, 256).Select(_ => random.Next(file.Length)));
        foreach (var position in positions) {
            var corrupted = (byte[])file.Clone();
            corrupted[position] ^= (byte)(1 + random.Next(255));
            Assert.Throws<InvalidDataException>(() => target.LoadCheckpoint(new MemoryStream(corrupted)));
        }
        Assert.Equal(before, Save(target));
    }

    [Fact]
    public void AMissingFileGivesAClearError()
    {
        using var adam = new Adam(new[] { new Parameter(ones(3)) });
        var error = Assert.Throws<FileNotFoundException>(() => adam.LoadCheckpoint("/nonexistent/optimizer.ckpt"));
        Assert.Contains("/nonexistent/optimizer.ckpt", error.Message);
    }

    [Fact]
    public void CheckpointRestoresHyperparametersSetBySchedulers()
    {
        var p = new Parameter(ones(3));
        using var saved = new Adam(new[] { p }, lr: 0.01);
        saved.Groups[0].LearningRate = 0.005;
        using var target = new Adam(new[] { p }, lr: 0.01);
        target.LoadCheckpoint(new MemoryStream(Save(saved)));
        Assert.Equal(0.005, target.Groups[0].LearningRate);
    }

    private static byte[] Save(DescentOptimizer optimizer)
    {
        using var stream = new MemoryStream();
        optimizer.SaveCheckpoint(stream);
        return stream.ToArray();
    }
}
