using System;

namespace Descent.Lab.Data;

/// <summary>A training part and a disjoint test part of one data set. Owns and disposes both.</summary>
public sealed class TrainTestSplit : IDisposable
{
    /// <summary>Takes ownership of both parts.</summary>
    /// <param name="train">The examples to train on.</param>
    /// <param name="test">The held-out examples to measure on.</param>
    public TrainTestSplit(LabeledData train, LabeledData test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        Train = train;
        Test = test;
    }

    /// <summary>The examples to train on.</summary>
    public LabeledData Train { get; }

    /// <summary>The held-out examples to measure on.</summary>
    public LabeledData Test { get; }

    /// <summary>Disposes both parts.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
