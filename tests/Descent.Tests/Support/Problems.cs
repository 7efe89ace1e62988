using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Support;

/// <summary>Small test problems and helpers shared by the optimizer test suites.</summary>
public static class Problems
{
    /// <summary>½ Σ aᵢ xᵢ² with a = (1, 2, 5, 10); minimum 0 at the origin.</summary>
    public static Tensor Quadratic(Tensor x)
    {
        using var a = tensor(new[] { 1.0, 2.0, 5.0, 10.0 }, dtype: x.dtype);
        return (x * x * a).sum() * 0.5;
    }

    /// <summary>Rosenbrock's function (1 − x)² + 100(y − x²)²; minimum 0 at (1, 1).</summary>
    public static Tensor Rosenbrock(Tensor p)
    {
        var x = p[0];
        var y = p[1];
        return (1 - x).pow(2) + (100 * (y - x * x).pow(2));
    }

    /// <summary>A small seeded regression: two parameters (a 3×4 weight and a 3-vector) and a loss of them.</summary>
    public static (List<Parameter> parameters, Func<Tensor> loss) Regression(ScalarType dtype = ScalarType.Float64, int seed = 1)
    {
        using var generator = new Generator((ulong)seed);
        var x = randn(16, 4, dtype: dtype, generator: generator);
        var y = randn(16, 3, dtype: dtype, generator: generator);
        var w = new Parameter(randn(3, 4, dtype: dtype, generator: generator));
        var b = new Parameter(randn(3, dtype: dtype, generator: generator));
        Tensor Loss() => (tanh(x.matmul(w.t()) + b) - y).pow(2).mean();
        return (new List<Parameter> { w, b }, Loss);
    }

    /// <summary>Computes the loss's gradients into the parameters and returns the loss value.</summary>
    public static double Backward(IEnumerable<Parameter> parameters, Func<Tensor> loss)
    {
        foreach (var p in parameters) {
            p.grad?.zero_();
        }
        using var value = loss();
        value.backward();
        return value.item<double>();
    }

    /// <summary>Copies of the parameters' values.</summary>
    public static double[][] Snapshot(IEnumerable<Tensor> tensors) =>
        tensors.Select(t => t.detach().to(ScalarType.Float64).data<double>().ToArray()).ToArray();

    /// <summary>True for the matrix optimizers (Muon's family, Dion), whose rule needs parameters of two or more dimensions.</summary>
    public static bool IsMatrixOptimizer(string name)
    {
        for (var type = OptimizerCatalog.Get(name).Type; type is not null; type = type.BaseType) {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(MatrixOptimizer<>)) {
                return true;
            }
        }
        return false;
    }

    /// <summary>Builds a catalogue optimizer with overrides (argument name → value).</summary>
    public static DescentOptimizer Build(string name, IEnumerable<Parameter> parameters, params (string name, object value)[] overrides) =>
        OptimizerCatalog.Get(name).Create(parameters, overrides.ToDictionary(o => o.name, o => o.value));
}
