using System;
using System.Linq;
using Descent.Core;
using Xunit;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Support;

/// <summary>Helpers for hand-vector tests: small parameters, one step with a given gradient, element-wise comparison.</summary>
public static class Vectors
{
    /// <summary>The starting point θ0 = [1, 2] of optimizer-specs' single-step vectors.</summary>
    public static readonly double[] SpecTheta0 = { 1, 2 };

    /// <summary>The gradient g = [0.5, −1] of optimizer-specs' single-step vectors.</summary>
    public static readonly double[] SpecGrad = { 0.5, -1 };

    /// <summary>A 1-D float64 parameter.</summary>
    public static Parameter Param(params double[] values) => Param(ScalarType.Float64, values);

    /// <summary>A 1-D parameter of <paramref name="dtype"/>.</summary>
    public static Parameter Param(ScalarType dtype, params double[] values) =>
        new(tensor(values, new long[] { values.Length }, dtype));

    /// <summary>Sets the gradient (row-major values, at the parameter's shape and dtype) and takes one step.</summary>
    public static void Step(DescentOptimizer optimizer, Parameter p, params double[] grad)
    {
        p.grad = tensor(grad, p.shape, p.dtype);
        optimizer.step();
    }

    /// <summary>A tensor's values as doubles.</summary>
    public static double[] Values(Tensor t) => t.detach().to(ScalarType.Float64).data<double>().ToArray();

    /// <summary>Asserts |actual − expected| ≤ tolerance for every element, naming the first that is not.</summary>
    public static void AssertClose(double[] expected, Tensor actual, double tolerance) =>
        AssertClose(expected, Values(actual), tolerance);

    /// <summary>Asserts |actual − expected| ≤ tolerance for every element, naming the first that is not.</summary>
    public static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance,
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (|Δ| = {Math.Abs(actual[i] - expected[i]):E2} > {tolerance:E0})");
        }
    }
}
