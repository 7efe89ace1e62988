using System;
using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Descent.Lab.Bench;

/// <summary>
/// A model without a forward pass: <c>tensors</c> float32 matrices totalling <c>parameters</c> elements, each with a
/// random gradient set once. An optimizer's step() can then be called over and over and only the optimizer is timed.
/// Every tensor is a matrix (as near square as its size allows) so that Muon orthogonalizes all of them.
/// </summary>
public sealed class SyntheticParameters : IDisposable
{
    private SyntheticParameters(IReadOnlyList<Parameter> parameters, long count)
    {
        Parameters = parameters;
        Count = count;
    }

    /// <summary>The parameters, gradients set.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Total elements.</summary>
    public long Count { get; }

    /// <summary>Creates the parameters: sizes as equal as possible (the first ones take the remainder).</summary>
    /// <param name="tensors">How many tensors (≥ 1).</param>
    /// <param name="parameters">Total elements (≥ <paramref name="tensors"/>).</param>
    /// <param name="seed">Seed of the values and gradients.</param>
    public static SyntheticParameters Create(int tensors, long parameters, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tensors, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters, tensors);
        using var generator = new Generator(seed);
        var list = new List<Parameter>(tensors);
        for (var i = 0; i < tensors; i++) {
            var size = parameters / tensors + (i < parameters % tensors ? 1 : 0);
            var (rows, columns) = MatrixShape(size);
            var parameter = new Parameter(randn(rows, columns, dtype: ScalarType.Float32, generator: generator).mul_(0.02));
            parameter.grad = randn(rows, columns, dtype: ScalarType.Float32, generator: generator);
            list.Add(parameter);
        }
        return new SyntheticParameters(list, parameters);
    }

    /// <summary>The most square factorization rows × columns = <paramref name="size"/>, rows ≤ columns.</summary>
    public static (long Rows, long Columns) MatrixShape(long size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        for (var rows = (long)Math.Sqrt(size); rows > 1; rows--) {
            if (size % rows == 0) {
                return (rows, size / rows);
            }
        }
        return (1, size);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var parameter in Parameters) {
            parameter.grad?.Dispose();
            parameter.Dispose();
        }
    }
}
