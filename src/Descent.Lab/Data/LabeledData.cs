using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Descent.Lab.Data;

/// <summary>
/// Examples for classification: a float32 feature matrix and its int64 class labels, row for row.
/// The instance owns both tensors and disposes them.
/// </summary>
public sealed class LabeledData : IDisposable
{
    /// <summary>Takes ownership of <paramref name="features"/> and <paramref name="labels"/>.</summary>
    /// <param name="features">A float32 matrix with one row per example.</param>
    /// <param name="labels">An int64 vector of class indices in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">The number of classes.</param>
    /// <exception cref="ArgumentException">The shapes or dtypes do not match that description.</exception>
    public LabeledData(Tensor features, Tensor labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (features.dim() != 2 || features.dtype != ScalarType.Float32) {
            throw new ArgumentException(
                $"Features must be a float32 matrix, not {features.dtype} of rank {features.dim()}.", nameof(features));
        }
        if (labels.dim() != 1 || labels.dtype != ScalarType.Int64 || labels.shape[0] != features.shape[0]) {
            throw new ArgumentException(
                $"Labels must be an int64 vector with one entry per feature row ({features.shape[0]}).",
                nameof(labels));
        }

        // The instance decides when these die, not whatever dispose scope happened to be open when it was built.
        Features = features.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        ClassCount = classCount;
    }

    /// <summary>The features, float32, shape [<see cref="Count"/>, <see cref="FeatureCount"/>].</summary>
    public Tensor Features { get; }

    /// <summary>The class indices, int64, shape [<see cref="Count"/>].</summary>
    public Tensor Labels { get; }

    /// <summary>The number of classes the labels index into.</summary>
    public int ClassCount { get; }

    /// <summary>The number of examples.</summary>
    public int Count => (int)Features.shape[0];

    /// <summary>The number of features per example.</summary>
    public int FeatureCount => (int)Features.shape[1];

    /// <summary>Copies the examples at the given row indices, in that order, into a new instance.</summary>
    /// <param name="indices">Row indices into this data.</param>
    /// <returns>A new instance that owns its own tensors.</returns>
    public LabeledData Select(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var index = torch.tensor(indices, ScalarType.Int64);
        return new LabeledData(Features.index_select(0, index), Labels.index_select(0, index), ClassCount);
    }

    /// <summary>
    /// Splits the examples at random into a training and a test part. The same seed always gives the same split,
    /// on every platform and with every TorchSharp version (see <see cref="SeededSplit.Indices"/>).
    /// </summary>
    /// <param name="testCount">How many examples go to the test part; the rest go to training.</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>Two new, disjoint instances that together hold every example once.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Either part would be empty.</exception>
    public TrainTestSplit Split(int testCount, ulong seed)
    {
        var (train, test) = SeededSplit.Indices(Count, testCount, seed);
        return new TrainTestSplit(Select(train), Select(test));
    }

    /// <summary>Disposes the feature and label tensors.</summary>
    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}
