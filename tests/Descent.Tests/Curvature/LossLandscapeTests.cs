using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Curvature;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static Descent.Tests.Support.Vectors;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Curvature;

/// <summary>
/// Loss landscapes: exact parabolas and paraboloids on a quadratic, filter normalization against its per-slice
/// definition, the ReLU rescaling invariance that motivates it, exact interpolation endpoints and grid centres, and
/// the parameters restored bit-exactly (also when the loss throws).
/// </summary>
public class LossLandscapeTests
{
    [Fact]
    public void AQuadraticGivesTheExactParabolaAlongADirection()
    {
        TorchSetup.Deterministic(21);
        var quadratic = new Quadratic(5);
        var d = randn(5, dtype: ScalarType.Float64);
        var line = LossLandscape.Line(quadratic.Objective, d, new GridAxis(-1, 2, 7));

        // L(θ + αd) = L(θ) + α·gᵀd + ½α²·dᵀAd.
        var (l0, gd, dad) = (quadratic.Value(), quadratic.Gradient().dot(d).ToDouble(), d.dot(quadratic.A.matmul(d)).ToDouble());
        AssertClose(new[] { -1, -0.5, 0, 0.5, 1, 1.5, 2.0 }, line.Coordinates, 0);
        AssertClose(line.Coordinates.Select(a => l0 + a * gd + 0.5 * a * a * dad).ToArray(), line.Losses, 1e-12);
    }

    [Fact]
    public void AQuadraticGivesTheExactParaboloidOnAPlane()
    {
        TorchSetup.Deterministic(22);
        var quadratic = new Quadratic(6);
        var d1 = randn(6, dtype: ScalarType.Float64);
        var d2 = randn(6, dtype: ScalarType.Float64);
        var plane = LossLandscape.Plane(quadratic.Objective, d1, d2, new GridAxis(-1, 1, 5), new GridAxis(-0.5, 1.5, 3));
        AssertParaboloid(quadratic, d1, d2, plane);

        // Orthogonalized: the same paraboloid along d₁ and the orthogonalized d₂, which keeps its norm.
        var orthogonal = LandscapeDirection.Orthogonalize(d2, d1);
        Assert.True(Math.Abs(orthogonal.dot(d1).ToDouble()) < 1e-12);
        Assert.Equal(d2.norm().ToDouble(), orthogonal.norm().ToDouble(), 12);
        var orthogonalPlane = LossLandscape.Plane(quadratic.Objective, d1, d2, new GridAxis(-1, 1, 5), new GridAxis(-0.5, 1.5, 3), orthogonalize: true);
        AssertParaboloid(quadratic, d1, orthogonal, orthogonalPlane);
    }

    [Fact]
    public void FilterNormalizationMatchesItsDefinitionSliceBySlice()
    {
        TorchSetup.Deterministic(23);
        var parameters = new List<Parameter> {
            new(randn(4, 3, dtype: ScalarType.Float64)),       // a Linear weight: 4 filters of 3
            new(randn(4, dtype: ScalarType.Float64)),          // its bias
            new(randn(2, 3, 3, 3, dtype: ScalarType.Float64)), // a convolution: 2 filters of 3×3×3
            new(tensor(1.5, dtype: ScalarType.Float64)),       // a 0-dimensional gain
        };
        parameters[0].detach()[1].zero_(); // a dead filter normalizes its direction to zero
        var raw = LandscapeDirection.Random(parameters, seed: 5);
        var filter = ParameterVector.Split(LandscapeDirection.Normalize(raw, parameters), parameters);
        var copied = ParameterVector.Split(LandscapeDirection.Normalize(raw, parameters, biases: BiasHandling.CopyWeights), parameters);
        var layer = ParameterVector.Split(LandscapeDirection.Normalize(raw, parameters, DirectionNormalization.Layer), parameters);
        var rawPieces = ParameterVector.Split(raw, parameters);

        foreach (var index in new[] { 0, 2 }) {
            var (w, d) = (parameters[index].detach(), rawPieces[index]);
            for (var i = 0; i < w.size(0); i++) {
                var expected = d[i].mul(w[i].norm().ToDouble() / (d[i].norm().ToDouble() + 1e-10));
                AssertClose(Values(expected), filter[index][i], 1e-14);
                AssertClose(Values(expected), copied[index][i], 1e-14);
                // ‖d̂_i‖ = ‖w_i‖·‖d_i‖/(‖d_i‖ + 1e-10): equal to ‖w_i‖ up to a relative 1e-10/‖d_i‖.
                Assert.True(Math.Abs(filter[index][i].norm().ToDouble() - w[i].norm().ToDouble()) <= 1e-9 * w[i].norm().ToDouble());
            }
            AssertClose(Values(d.mul(w.norm().ToDouble() / (d.norm().ToDouble() + 1e-10))), layer[index], 1e-14);
        }
        AssertClose(new double[3], filter[0][1], 0);
        foreach (var index in new[] { 1, 3 }) {
            AssertClose(new double[parameters[index].numel()], filter[index], 0);
            AssertClose(Values(parameters[index]), copied[index], 0);
            AssertClose(new double[parameters[index].numel()], layer[index], 0);
        }
        AssertClose(Values(raw), LandscapeDirection.Normalize(raw, parameters, DirectionNormalization.None), 0);
    }

    [Fact]
    public void RandomDirectionsAreSeededGaussiansWithTheParametersLayout()
    {
        var parameters = new List<Parameter> { new(zeros(30, 20)), new(zeros(20)) };
        var a = LandscapeDirection.Random(parameters, seed: 7);
        Assert.Equal(new long[] { 620 }, a.shape);
        Assert.Equal(ScalarType.Float32, a.dtype);
        Assert.Equal(Values(a), Values(LandscapeDirection.Random(parameters, seed: 7)));
        Assert.NotEqual(Values(a), Values(LandscapeDirection.Random(parameters, seed: 8)));
        Assert.InRange(a.mean().ToDouble(), -0.15, 0.15); // 620 N(0, 1) draws: SE of the mean 0.04
        Assert.InRange(a.std().ToDouble(), 0.9, 1.1);     // SE of the standard deviation ≈ 0.03
    }

    [Theory]
    [InlineData(BiasHandling.Ignore)]
    [InlineData(BiasHandling.CopyWeights)]
    public void FilterNormalizedSlicesAreInvariantToReLURescaling(BiasHandling biases)
    {
        // (W1, b1) → c·(W1, b1), W2 → W2/c computes the same function; filter-normalized directions scale with each
        // filter, so the whole slice is the same. Raw directions are not: the plot would show the parametrisation.
        TorchSetup.Deterministic(24);
        const double c = 3.7;
        var (model, objective) = ReluMlp();
        var (scaled, scaledObjective) = ReluMlp();
        using (no_grad()) {
            var source = model.parameters().ToList();
            var target = scaled.parameters().ToList();
            target[0].copy_(source[0].mul(c));
            target[1].copy_(source[1].mul(c));
            target[2].copy_(source[2].div(c));
            target[3].copy_(source[3]);
        }
        Assert.Equal(objective.Loss(), scaledObjective.Loss(), 12);

        var axis = new GridAxis(-1, 1, 21);
        var line = LossLandscape.RandomLine(objective, seed: 3, axis, biases);
        var scaledLine = LossLandscape.RandomLine(scaledObjective, seed: 3, axis, biases);
        AssertRelativelyClose(line.Losses, scaledLine.Losses, 1e-12);
        var plane = LossLandscape.RandomPlane(objective, seed: 4, new GridAxis(-1, 1, 5), biases: biases);
        var scaledPlane = LossLandscape.RandomPlane(scaledObjective, seed: 4, new GridAxis(-1, 1, 5), biases: biases);
        AssertRelativelyClose(plane.Losses.Cast<double>().ToArray(), scaledPlane.Losses.Cast<double>().ToArray(), 1e-12);

        var raw = LandscapeDirection.Random(objective.Parameters, seed: 3);
        var rawLine = LossLandscape.Line(objective, raw, axis);
        var rawScaledLine = LossLandscape.Line(scaledObjective, raw, axis);
        Assert.True(rawLine.Losses.Zip(rawScaledLine.Losses).Max(p => Math.Abs(p.First - p.Second)) > 1e-2);
        GC.KeepAlive(model);
        GC.KeepAlive(scaled);
    }

    [Fact]
    public void InterpolationEndsAtBothParameterSetsExactly()
    {
        TorchSetup.Deterministic(25);
        var (modelA, objectiveA) = ReluMlp();
        var (modelB, objectiveB) = ReluMlp();
        var line = LossLandscape.Interpolation(objectiveA, modelA.parameters(), modelB.parameters(), new GridAxis(-0.5, 1.5, 9));
        Assert.Equal(0.0, line.Coordinates[2]);
        Assert.Equal(1.0, line.Coordinates[6]);
        Assert.Equal(objectiveA.Loss(), line.Losses[2]);
        Assert.Equal(objectiveB.Loss(), line.Losses[6]);
        Assert.NotEqual(line.Losses[2], line.Losses[6]);

        var flat = LossLandscape.Interpolation(objectiveA, ParameterVector.Read(objectiveA.Parameters),
            ParameterVector.Read(objectiveB.Parameters), new GridAxis(-0.5, 1.5, 9));
        Assert.Equal(line.Losses, flat.Losses);
    }

    [Fact]
    public void InterpolationBetweenQuadraticPointsIsTheExactParabola()
    {
        TorchSetup.Deterministic(26);
        var quadratic = new Quadratic(4);
        var a = randn(4, dtype: ScalarType.Float64);
        var b = randn(4, dtype: ScalarType.Float64);
        var line = LossLandscape.Interpolation(quadratic.Objective, a, b, new GridAxis(-1, 2, 13));
        var expected = line.Coordinates.Select(t => quadratic.ValueAt(a.mul(1 - t).add(b.mul(t)))).ToArray();
        AssertClose(expected, line.Losses, 1e-12);
    }

    [Theory]
    [InlineData(1.0, 51)]
    [InlineData(0.5, 21)]
    [InlineData(2.5, 101)]
    [InlineData(0.1, 11)]
    [InlineData(0.3, 7)]
    public void SymmetricGridsHaveTheirCentreExactlyOnAGridPoint(double halfWidth, int points)
    {
        var coordinates = GridAxis.Symmetric(halfWidth, points).Coordinates();
        Assert.Equal(points, coordinates.Length);
        Assert.Equal(0.0, coordinates[points / 2]);
        Assert.Equal(-halfWidth, coordinates[0]);
        Assert.Equal(halfWidth, coordinates[^1]);
        Assert.True(coordinates.Zip(coordinates.Skip(1)).All(p => p.Second > p.First));
    }

    [Fact]
    public void TheCentreOfASliceIsTheLossAtTheParametersThemselves()
    {
        TorchSetup.Deterministic(27);
        var (model, objective) = ReluMlp(ScalarType.Float32);
        var line = LossLandscape.RandomLine(objective, seed: 1);
        var plane = LossLandscape.RandomPlane(objective, seed: 1, GridAxis.Symmetric(1, 5));
        Assert.Equal(objective.Loss(), line.Losses[25]);
        Assert.Equal(objective.Loss(), plane.Losses[2, 2]);
        GC.KeepAlive(model);
    }

    [Fact]
    public void ParametersAreRestoredBitExactlyAndTheModelIsEvaluatedInEvalMode()
    {
        TorchSetup.Deterministic(28);
        var model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3));
        model.train();
        var x = randn(24, 4);
        var labels = randint(0, 3, new long[] { 24 });
        var objective = Objective.ForModel(model, (o, t) => nn.functional.cross_entropy(o, t), x, labels);
        var before = Values(ParameterVector.Read(objective.Parameters));

        var first = LossLandscape.RandomPlane(objective, seed: 2, GridAxis.Symmetric(0.5, 3));
        var second = LossLandscape.RandomPlane(objective, seed: 2, GridAxis.Symmetric(0.5, 3));
        Assert.Equal(first.Losses, second.Losses); // no Dropout noise: eval mode
        Assert.Equal(before, Values(ParameterVector.Read(objective.Parameters)));
        Assert.True(model.training);
    }

    [Fact]
    public void ParametersAreRestoredBitExactlyWhenTheLossThrows()
    {
        TorchSetup.Deterministic(29);
        var model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2));
        model.train();
        var x = randn(8, 3);
        var y = randn(8, 2);
        var calls = 0;
        var objective = Objective.ForModel(model, (o, t) => ++calls == 4 ? throw new InvalidOperationException("boom") : nn.functional.mse_loss(o, t), x, y);
        var before = Values(ParameterVector.Read(objective.Parameters));

        var error = Assert.Throws<InvalidOperationException>(() => LossLandscape.RandomLine(objective, seed: 9, GridAxis.Symmetric(1, 11)));
        Assert.Equal("boom", error.Message);
        Assert.Equal(before, Values(ParameterVector.Read(objective.Parameters)));
        Assert.True(model.training);

        var w = new Parameter(tensor(new[] { 1.0, -2.0 }));
        var closure = Objective.ForClosure(new[] { w }, () => w.sum().item<double>() > 5 ? throw new ArithmeticException("far") : w.square().sum());
        Assert.Throws<ArithmeticException>(() => LossLandscape.Line(closure, tensor(new[] { 10.0, 10.0 }), GridAxis.Symmetric(1, 5)));
        Assert.Equal(new[] { 1.0, -2.0 }, Values(w));
    }

    [Fact]
    public void SlicesLeaveNoLiveTemporariesBehind()
    {
        TorchSetup.Deterministic(30);
        var (modelA, objective) = ReluMlp();
        var (modelB, _) = ReluMlp();
        var d = LandscapeDirection.Normalized(objective.Parameters, seed: 1);
        using var scope = NewDisposeScope();
        var before = scope.DisposablesCount;
        LossLandscape.RandomLine(objective, seed: 1, GridAxis.Symmetric(1, 5));
        LossLandscape.RandomPlane(objective, seed: 1, GridAxis.Symmetric(1, 3), orthogonalize: true);
        LossLandscape.Line(objective, d, GridAxis.Symmetric(1, 3));
        LossLandscape.Interpolation(objective, modelA.parameters(), modelB.parameters(), new GridAxis(0, 1, 3));
        Assert.Equal(before, scope.DisposablesCount);
    }

    [Fact]
    public void InvalidArgumentsAreRejectedByName()
    {
        var w = new Parameter(tensor(new[] { 1.0, -2.0 }));
        var objective = Objective.ForClosure(new[] { w }, () => w.square().sum());
        var axis = GridAxis.Symmetric(1, 3);
        Assert.Equal("points", Assert.Throws<ArgumentException>(() => new GridAxis(-1, 1, 0)).ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentException>(() => GridAxis.Symmetric(1, 50)).ParamName);
        Assert.Equal("to", Assert.Throws<ArgumentException>(() => new GridAxis(1, -1, 5)).ParamName);
        Assert.Equal("from", Assert.Throws<ArgumentException>(() => new GridAxis(double.NaN, 1, 5)).ParamName);
        Assert.Equal("direction", Assert.Throws<ArgumentException>(() => LossLandscape.Line(objective, tensor(new[] { 1.0 }), axis)).ParamName);
        Assert.Equal("direction", Assert.Throws<ArgumentException>(() => LossLandscape.Line(objective, tensor(new[] { 1.0f, 1.0f }), axis)).ParamName);
        Assert.Equal("second", Assert.Throws<ArgumentException>(() => LossLandscape.Plane(objective, tensor(new[] { 1.0, 0 }), tensor(new[] { 1.0 }), axis, axis)).ParamName);
        Assert.Equal("against", Assert.Throws<ArgumentException>(() => LandscapeDirection.Orthogonalize(tensor(new[] { 1.0, 0 }), tensor(new[] { 0.0, 0 }))).ParamName);
        Assert.Equal("direction", Assert.Throws<ArgumentException>(() => LandscapeDirection.Orthogonalize(tensor(new[] { 2.0, 0 }), tensor(new[] { 1.0, 0 }))).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => LandscapeDirection.Random(Array.Empty<Tensor>(), 1)).ParamName);

        var model = nn.Linear(2, 2, dtype: ScalarType.Float64);
        var other = nn.Linear(2, 3, dtype: ScalarType.Float64);
        var modelObjective = Objective.ForModel(model, (o, t) => nn.functional.mse_loss(o, t), ones(1, 2, dtype: ScalarType.Float64), ones(1, 2, dtype: ScalarType.Float64));
        Assert.Equal("endpointB", Assert.Throws<ArgumentException>(() => LossLandscape.Interpolation(modelObjective, model.parameters(), model.parameters().Take(1))).ParamName);
        Assert.Equal("endpointA", Assert.Throws<ArgumentException>(() => LossLandscape.Interpolation(modelObjective, other.parameters(), model.parameters())).ParamName);
        Assert.Equal("endpointB", Assert.Throws<ArgumentException>(() => LossLandscape.Interpolation(modelObjective, model.parameters(), model.parameters().Select(p => p.to(ScalarType.Float32)))).ParamName);
        Assert.Equal("endpointA", Assert.Throws<ArgumentException>(() => LossLandscape.Interpolation(modelObjective, zeros(5, dtype: ScalarType.Float64), zeros(6, dtype: ScalarType.Float64))).ParamName);
    }

    private static void AssertParaboloid(Quadratic quadratic, Tensor d1, Tensor d2, LandscapePlane plane)
    {
        var g = quadratic.Gradient();
        var (l0, g1, g2) = (quadratic.Value(), g.dot(d1).ToDouble(), g.dot(d2).ToDouble());
        var (h11, h12, h22) = (d1.dot(quadratic.A.matmul(d1)).ToDouble(), d1.dot(quadratic.A.matmul(d2)).ToDouble(), d2.dot(quadratic.A.matmul(d2)).ToDouble());
        for (var i = 0; i < plane.Alphas.Length; i++) {
            for (var j = 0; j < plane.Betas.Length; j++) {
                var (a, b) = (plane.Alphas[i], plane.Betas[j]);
                var expected = l0 + a * g1 + b * g2 + 0.5 * (a * a * h11 + 2 * a * b * h12 + b * b * h22);
                Assert.True(Math.Abs(plane.Losses[i, j] - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)),
                    $"({a}, {b}): expected {expected:R}, got {plane.Losses[i, j]:R}");
            }
        }
    }

    private static void AssertRelativelyClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * Math.Abs(expected[i]),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static (nn.Module<Tensor, Tensor> Model, Objective Objective) ReluMlp(ScalarType dtype = ScalarType.Float64)
    {
        var model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3)).to(dtype);
        using var generator = new Generator(100); // the same data for every model
        var x = randn(32, 5, dtype: dtype, generator: generator);
        var labels = randint(0, 3, new long[] { 32 }, generator: generator);
        return (model, Objective.ForModel(model, (o, t) => nn.functional.cross_entropy(o, t), x, labels));
    }

    /// <summary>L(θ) = ½θᵀAθ + bᵀθ with a symmetric indefinite A, at a random θ.</summary>
    private sealed class Quadratic
    {
        private readonly Parameter _theta;
        private readonly Tensor _b;

        public Quadratic(int dimension)
        {
            var m = randn(dimension, dimension, dtype: ScalarType.Float64);
            A = m.add(m.t()).div(2);
            _b = randn(dimension, dtype: ScalarType.Float64);
            _theta = new Parameter(randn(dimension, dtype: ScalarType.Float64));
            Objective = Objective.ForClosure(new[] { _theta }, () => ValueTensor(_theta));
        }

        public Tensor A { get; }

        public Objective Objective { get; }

        public double Value() => ValueAt(_theta.detach());

        public double ValueAt(Tensor theta)
        {
            using var noGrad = no_grad();
            return ValueTensor(theta).ToDouble();
        }

        public Tensor Gradient() => A.matmul(_theta.detach()).add(_b);

        private Tensor ValueTensor(Tensor theta) => theta.dot(A.matmul(theta)).mul(0.5).add(_b.dot(theta));
    }
}
