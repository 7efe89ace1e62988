using System;
using System.Collections.Generic;
using TorchSharp;

namespace Descent.Core;

/// <summary>
/// The native <see cref="Scalar"/>s one optimizer step creates. TorchSharp converts every <c>double</c> argument into
/// a finalizable native Scalar that is never disposed (torchsharp-notes §3.3); creating them here and disposing them
/// when the step ends keeps hot loops free of that garbage.
/// </summary>
public sealed class StepScalars : IDisposable
{
    private readonly List<Scalar> _created = new();

    /// <summary>A Scalar holding <paramref name="value"/>, valid until the step ends.</summary>
    public Scalar this[double value] {
        get {
            var scalar = value.ToScalar();
            _created.Add(scalar);
            return scalar;
        }
    }

    /// <summary>Disposes every Scalar handed out.</summary>
    public void Dispose()
    {
        foreach (var scalar in _created) {
            scalar.Dispose();
        }
        _created.Clear();
    }
}
