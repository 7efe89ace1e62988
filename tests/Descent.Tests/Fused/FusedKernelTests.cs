using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;
using Descent.Tests.Support;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Descent.Tests.Fused;

/// <summary>
/// The fused CPU kernels (<see cref="DescentOptimizer.FusedKernels"/>) against the tensor path. The kernels perform the
/// same float32 operations in the same order, rounded as libtorch's CPU kernels round them (its fused multiply-adds
/// included, see Descent.Fused.TorchOps), except the square root: libtorch's float32 sqrt is off by one ulp in about
/// 17% of elements, the kernels' is correctly rounded. SGD, Adamax, Lion and Signum, which take no square root, match
/// bit for bit (so does RAdam on these rows, its rectified steps being small); the others agree to float32 rounding:
/// after 20 steps every parameter is within 2e-6 relative to its scale. Measured: Adam/AdamW ≤ 1.1e-8, NAdam ≤ 4.1e-8,
/// Adadelta ≤ 9.8e-8, Adagrad ≤ 1.4e-7, RMSprop 1.3e-7 to 4.2e-7 and 1.1e-6 with momentum 0.9: its steps are large
/// (no bias correction: the first is lr·g/√((1 − α)·g²) = 0.1 per coordinate) and momentum sums them, carrying each
/// last-bit difference of the sqrt along a trajectory whose gradients depend on θ. Thread count and the vector/scalar
/// split (odd sizes) must not change a single bit.
/// </summary>
public class FusedKernelTests
{
    private const int Steps = 20;
    private const double Tolerance = 2e-6;
    private readonly ITestOutputHelper _output;

    public FusedKernelTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Rules() => new[] {
        new object[] { "Adam", "" },
        new object[] { "Adam", "amsgrad=true" },
        new object[] { "Adam", "weight_decay=0.1" },
        new object[] { "Adam", "weight_decay=0.1,weight_decay_mode=DecoupledFixed,maximize=true" },
        new object[] { "AdamW", "" },
        new object[] { "AdamW", "weight_decay=0.3,amsgrad=true" },
        new object[] { "SGD", "" },
        new object[] { "SGD", "momentum=0.9" },
        new object[] { "SGD", "momentum=0.9,nesterov=true,weight_decay=0.01" },
        new object[] { "SGD", "momentum=0.8,dampening=0.3,maximize=true" },
        new object[] { "Lion", "" },
        new object[] { "Lion", "weight_decay=0.1,maximize=true" },
        new object[] { "Lion", "beta1=0.5,beta2=0.9,weight_decay=0.01,weight_decay_mode=Coupled" },
        new object[] { "Signum", "" },
        new object[] { "Signum", "momentum=0" },
        new object[] { "Signum", "momentum=0.5,weight_decay=0.1,weight_decay_mode=Decoupled,maximize=true" },
        new object[] { "RMSprop", "" },
        new object[] { "RMSprop", "centered=true" },
        new object[] { "RMSprop", "momentum=0.9" },
        new object[] { "RMSprop", "centered=true,momentum=0.9,weight_decay=0.1,maximize=true" },
        new object[] { "RMSprop", "alpha=0.9,weight_decay=0.1,weight_decay_mode=Decoupled" },
        new object[] { "Adagrad", "" },
        new object[] { "Adagrad", "lr_decay=0.05,initial_accumulator_value=0.1" },
        new object[] { "Adagrad", "weight_decay=0.1,maximize=true" },
        new object[] { "Adagrad", "weight_decay=0.1,weight_decay_mode=DecoupledFixed" },
        new object[] { "NAdam", "" },
        new object[] { "NAdam", "momentum_decay=0.1,weight_decay=0.1,maximize=true" },
        new object[] { "NAdam", "weight_decay=0.1,weight_decay_mode=Decoupled" },
        new object[] { "RAdam", "" },
        new object[] { "RAdam", "beta2=0.9,weight_decay=0.1" },
        new object[] { "RAdam", "weight_decay=0.1,weight_decay_mode=Decoupled,maximize=true" },
        new object[] { "Adamax", "" },
        new object[] { "Adamax", "weight_decay=0.1,maximize=true" },
        new object[] { "Adamax", "beta2=0.9,weight_decay=0.1,weight_decay_mode=DecoupledFixed" },
        new object[] { "Adadelta", "" },
        new object[] { "Adadelta", "rho=0.5,weight_decay=0.1,maximize=true" },
        new object[] { "Adadelta", "weight_decay=0.01,weight_decay_mode=Decoupled" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void FusedKernelMatchesTheTensorPath(string name, string options)
    {
        foreach (var flat in new[] { true, false }) {
            var tensorPath = Train(name, options, fused: false, flat);
            var fused = Train(name, options, fused: true, flat);
            var error = RelativeError(fused, tensorPath);
            _output.WriteLine($"{name} {options} flat={flat}: max relative difference {error:E2}");
            Assert.InRange(error, 0, Tolerance);
        }
    }

    // 300,001 elements: three chunks on two threads and a partial last vector; the split must not change any bit.
    [Theory]
    [InlineData("Adam", "amsgrad=true,weight_decay=0.01")]
    [InlineData("SGD", "momentum=0.9,nesterov=true")]
    [InlineData("Lion", "weight_decay=0.01")]
    [InlineData("Signum", "weight_decay=0.01")]
    [InlineData("RMSprop", "centered=true,momentum=0.9,weight_decay=0.01")]
    [InlineData("Adagrad", "lr_decay=0.01,initial_accumulator_value=0.1")]
    [InlineData("NAdam", "weight_decay=0.01")]
    [InlineData("RAdam", "beta2=0.9,weight_decay=0.01")]
    [InlineData("Adamax", "weight_decay=0.01")]
    [InlineData("Adadelta", "weight_decay=0.01")]
    public void ThreadsAndOddSizesGiveTheSameBits(string name, string options)
    {
        double[] Run(int threads, bool fused)
        {
            TorchSetup.Deterministic();
            using var generator = new Generator(3);
            var p = new Parameter(randn(300_001, generator: generator));
            using var optimizer = OptimizerCatalog.Get(name).Create(new[] { p }, OptimizerOverrides.Parse(name, options));
            optimizer.FusedKernels = fused;
            set_num_threads(threads);
            for (var step = 0; step < 5; step++) {
                p.grad = randn(300_001, generator: generator);
                optimizer.step();
            }
            set_num_threads(1);
            Assert.Equal(fused ? 5 : 0, optimizer.FusedUpdates);
            return p.detach().to(ScalarType.Float64).data<double>().ToArray();
        }
        var one = Run(1, fused: true);
        Assert.Equal(one, Run(2, fused: true));
        Assert.InRange(RelativeError(new[] { one }, new[] { Run(1, fused: false) }), 0, Tolerance);
    }

    // A momentum buffer switched on after construction is created by the tensor path (the kernels return false before
    // changing anything); the later steps run the kernel on it.
    [Theory]
    [InlineData("SGD")]
    [InlineData("RMSprop")]
    [InlineData("Signum")]
    public void MomentumSwitchedOnLaterStartsOnTheTensorPath(string name)
    {
        void SwitchOn(DescentOptimizer optimizer, int step)
        {
            if (step == 5) {
                ((TorchSharp.torch.optim.IMomentum)optimizer).Momentum = 0.9;
            }
        }
        var tensorPath = Train(name, "momentum=0", fused: false, flat: true, beforeStep: SwitchOn);
        var fused = Train(name, "momentum=0", fused: true, flat: true, beforeStep: SwitchOn);
        var error = RelativeError(fused, tensorPath);
        _output.WriteLine($"{name} momentum from step 6: max relative difference {error:E2}");
        Assert.InRange(error, 0, Tolerance);
    }

    // The fused non-finite scan (float32 CPU gradients) must see a NaN or ±∞ anywhere: first, inside the vector part,
    // in the scalar tail; and must accept huge finite values.
    [Theory]
    [InlineData(0, float.NaN)]
    [InlineData(500_000, float.PositiveInfinity)]
    [InlineData(1_000_002, float.NegativeInfinity)]
    [InlineData(123_457, float.MaxValue)]
    public void NonFiniteGradientsAreFoundAnywhere(int index, float value)
    {
        TorchSetup.Deterministic();
        var p = new Parameter(zeros(1_000_003));
        using var optimizer = new Adam(new[] { p });
        p.grad = ones(1_000_003);
        p.grad[index] = value;
        if (float.IsFinite(value)) {
            optimizer.step();
            Assert.Equal(1, optimizer.StateOf(p).Step);
        } else {
            Assert.Throws<NonFiniteGradientException>(() => optimizer.step());
            Assert.Equal(0, optimizer.StateOf(p).Step);
            Assert.Equal(0, p.abs().sum().ToDouble());
        }
    }

    // Kernels need float32 state: with bf16 state the step takes the tensor path, which stays exact.
    [Fact]
    public void StateThatIsNotFloat32TakesTheTensorPath()
    {
        var fused = Train("Adam", "", fused: true, flat: true, precision: StatePrecision.BFloat16);
        var tensorPath = Train("Adam", "", fused: false, flat: true, precision: StatePrecision.BFloat16);
        Assert.Equal(tensorPath, fused);
    }

    private static double RelativeError(double[][] actual, double[][] expected) =>
        actual.Zip(expected, (a, e) => {
            var scale = Math.Max(e.Max(Math.Abs), 1e-12);
            return a.Zip(e, (x, y) => Math.Abs(x - y) / scale).Max();
        }).Max();

    private static double[][] Train(string name, string options, bool fused, bool flat, StatePrecision precision = StatePrecision.Auto,
        Action<DescentOptimizer, int>? beforeStep = null)
    {
        TorchSetup.Deterministic();
        manual_seed(11);
        using var model = nn.Sequential(nn.Linear(7, 9), nn.Tanh(), nn.Linear(9, 3));
        using var optimizer = OptimizerCatalog.Get(name).Create(model.parameters(), OptimizerOverrides.Parse(name, options));
        (optimizer.FusedKernels, optimizer.FlatBuffers, optimizer.StatePrecision) = (fused, flat, precision);
        for (var step = 0; step < Steps; step++) {
            using var scope = NewDisposeScope();
            beforeStep?.Invoke(optimizer, step);
            optimizer.zero_grad();
            using var generator = new Generator((ulong)(50 + step));
            (model.call(randn(12, 7, generator: generator)) - randn(12, 3, generator: generator)).pow(2).mean().backward();
            optimizer.step();
        }
        // The fast path must really have run (a kernel that declined every step would compare the tensor path with
        // itself), and only where it may: never with the kernels off or with state that is not float32.
        if (fused && precision == StatePrecision.Auto) {
            Assert.True(optimizer.FusedUpdates > 0, $"{name} {options}: no fused update ran");
        } else {
            Assert.Equal(0, optimizer.FusedUpdates);
        }
        return Problems.Snapshot(model.parameters());
    }
}
