using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Curvature;
using Descent.Lab.Data;
using Descent.Lab.Models;
using static TorchSharp.torch;

namespace Descent.Lab.Bench;

/// <summary>
/// HVP time over gradient time on the digits MLP at initialization (timing does not depend on training), for each
/// HVP method of <see cref="Objective"/>. <c>descent curvature</c> reports the same ratio for its one trained model,
/// timed by the same <see cref="BenchTimer"/>.
/// </summary>
public static class CurvatureSuite
{
    /// <summary>Runs the suite.</summary>
    /// <param name="settings">Widths, examples and timing.</param>
    /// <param name="progress">Receives a line after each measurement (optional).</param>
    public static IReadOnlyList<CurvatureResult> Run(CurvatureSuiteSettings settings, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var split = Digits.LoadSplit(settings.Seed);
        var count = Math.Min(settings.Examples, split.Train.Count);
        var rows = new List<CurvatureResult>();
        foreach (var hidden in settings.HiddenWidths) {
            using var model = new Mlp(Digits.FeatureCount, hidden, Digits.ClassCount, settings.Seed);
            var objective = Objective.ForModel(model, (o, t) => nn.functional.cross_entropy(o, t),
                split.Train.Features[..count], split.Train.Labels[..count]);
            var (gradient, hvps) = Time(objective, settings.Timing, Enum.GetValues<HvpMethod>());
            foreach (var (method, hvp) in hvps) {
                var row = new CurvatureResult(hidden, objective.Dimension, count, method.ToString(), gradient, hvp);
                rows.Add(row);
                progress?.Invoke(FormattableString.Invariant(
                    $"HVP ({method}) on d = {objective.Dimension}: {row.Ratio:F2} gradients"));
            }
        }
        return rows;
    }

    /// <summary>Times one gradient and one HVP per method (a fixed random direction) of <paramref name="objective"/>.</summary>
    public static (Measurement Gradient, IReadOnlyList<(HvpMethod Method, Measurement Hvp)> Hvps) Time(Objective objective,
        BenchTiming timing, IEnumerable<HvpMethod> methods)
    {
        ArgumentNullException.ThrowIfNull(objective);
        using var v = randn(objective.Dimension, dtype: objective.DType, generator: new Generator(0));
        var gradient = BenchTimer.Measure(() => objective.Gradient().Dispose(), timing);
        var hvps = methods.Select(m => (m, BenchTimer.Measure(() => objective.HessianVectorProduct(v, m).Dispose(), timing))).ToList();
        return (gradient, hvps);
    }
}
