using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Descent.Curvature;
using Descent.Optimizers;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Descent.Tests.Curvature;

/// <summary>The monitor measures every k steps, writes the lab's metrics format, and leaves training untouched.</summary>
public class CurvatureMonitorTests
{
    [Fact]
    public void TrainingWithAMonitorFollowsTheSameTrajectory()
    {
        var without = Train(monitored: false, out _);
        var with = Train(monitored: true, out var monitor);
        Assert.Equal(without, with);
        Assert.Equal(new long[] { 0, 3, 6, 9 }, monitor!.Records.Select(r => r.Step));
    }

    [Fact]
    public void RowsGoToTheMetricsFileWithStandardErrors()
    {
        var text = new StringWriter();
        using (var csv = new MetricsCsv(text)) {
            csv.Write(0, new Dictionary<string, Measurement> { ["loss"] = 0.5, ["trace"] = new Measurement(12.25, 0.5) });
            csv.Write(10, new Dictionary<string, Measurement> { ["loss"] = 0.25, ["trace"] = new Measurement(11, 0.75) });
        }
        Assert.Equal("step,loss,loss_se,trace,trace_se\n0,0.5,,12.25,0.5\n10,0.25,,11,0.75\n", text.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void MisuseIsAClearError()
    {
        var w = new TorchSharp.Modules.Parameter(ones(2));
        var objective = Objective.ForClosure(new[] { w }, () => w.square().sum());
        Assert.Throws<ArgumentException>(() => new CurvatureMonitor(objective, 0));
        var monitor = new CurvatureMonitor(objective, 2);
        Assert.Throws<InvalidOperationException>(() => monitor.Step(0));
        monitor.Track("loss", o => o.Loss());
        Assert.Throws<ArgumentException>(() => monitor.Track("loss", o => o.Loss()));
        Assert.Null(monitor.Step(1));
        Assert.NotNull(monitor.Step(2));
        Assert.Throws<InvalidOperationException>(() => monitor.Track("late", o => 0));
        var csv = new MetricsCsv(new StringWriter());
        csv.Write(0, new Dictionary<string, Measurement> { ["a"] = 1 });
        Assert.Throws<ArgumentException>(() => csv.Write(1, new Dictionary<string, Measurement> { ["b"] = 1 }));
    }

    [Fact]
    public void ReadyMadeMeasuresAgreeWithTheExactHessian()
    {
        TorchSetup.Deterministic(12);
        var model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)).to(ScalarType.Float64);
        var x = randn(20, 3, dtype: ScalarType.Float64);
        var labels = randint(0, 2, new long[] { 20 });
        var objective = Objective.ForModel(model, (o, t) => nn.functional.cross_entropy(o, t), x, labels);
        using var optimizer = new Adam(model.parameters(), lr: 0.01);
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.call(x), labels).backward();
        optimizer.step();
        var monitor = new CurvatureMonitor(objective, 1)
            .Track("loss", MonitorMeasures.Loss())
            .Track("trace", MonitorMeasures.Trace(probes: 200))
            .Track("trace_sqrt_diag", MonitorMeasures.TraceSqrtDiagonal(probes: 200))
            .Track("lambda_max", MonitorMeasures.TopEigenvalue())
            .Track("preconditioned", MonitorMeasures.PreconditionedSharpness(optimizer));
        var record = monitor.Step(0)!;
        var exact = ExactHessian.Of(objective);
        var eigenvalues = linalg.eigvalsh(exact);
        var trace = record.Values["trace"];
        Assert.True(Math.Abs(trace.Value - exact.trace().ToDouble()) <= 3 * trace.StandardError, $"trace {trace} vs {exact.trace().ToDouble()}");
        var sqrtDiag = record.Values["trace_sqrt_diag"];
        var exactSqrtDiag = exact.diagonal().clamp_min(0).sqrt().sum().ToDouble();
        Assert.True(Math.Abs(sqrtDiag.Value - exactSqrtDiag) <= 3 * sqrtDiag.StandardError, $"tr(Diag(H)^1/2) {sqrtDiag} vs {exactSqrtDiag}");
        Assert.Equal(eigenvalues.max().ToDouble(), record.Values["lambda_max"].Value, 6);
        Assert.Equal(objective.Loss(), record.Values["loss"].Value, 14);
        Assert.True(record.Values["preconditioned"].Value > 0);
        // A second measurement warm-starts from the first eigenvector, at the same parameters.
        Assert.Equal(eigenvalues.max().ToDouble(), monitor.Step(1)!.Values["lambda_max"].Value, 6);
    }

    private static double[][] Train(bool monitored, out CurvatureMonitor? monitor)
    {
        TorchSetup.Deterministic(11);
        var model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).to(ScalarType.Float64);
        var x = randn(32, 4, dtype: ScalarType.Float64);
        var labels = randint(0, 3, new long[] { 32 });
        using var optimizer = new Adam(model.parameters(), lr: 0.01);
        var objective = Objective.ForModel(model, (o, t) => nn.functional.cross_entropy(o, t), x[..16], labels[..16]);
        monitor = monitored ? new CurvatureMonitor(objective, 3)
            .Track("loss", o => o.Loss())
            .Track("rayleigh", (o, step) => {
                using var scope = NewDisposeScope();
                using var generator = new Generator((ulong)step + 1);
                var v = randn(o.Dimension, dtype: ScalarType.Float64, generator: generator);
                return o.HessianVectorProduct(v).dot(v).ToDouble() / v.dot(v).ToDouble();
            }) : null;
        model.train();
        for (var step = 0; step < 10; step++) {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.call(x), labels).backward();
            monitor?.Step(step); // between backward and step: any write to .grad would change the update
            optimizer.step();
        }
        return Problems.Snapshot(model.parameters());
    }
}
