using System.Collections.Generic;
using Descent.Core;
using Descent.Fused;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// AdaDelta (Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701, 2012), with
/// torch.optim.Adadelta's semantics: v ← ρ·v + (1−ρ)·g², δ = √(u + ε)/√(v + ε)·g, u ← ρ·u + (1−ρ)·δ²,
/// θ ← θ − lr·δ. Zeiler's algorithm is lr = 1; torch scales δ by lr. Weight decay is coupled L2 by default.
/// </summary>
[OptimizerInfo("Zeiler, \"ADADELTA: An Adaptive Learning Rate Method\" (arXiv:1212.5701, 2012)", "torch.optim.Adadelta (PyTorch 1.13) golden trajectories; hand vectors")]
public sealed class Adadelta : DescentOptimizer<Adadelta.Options>
{
    /// <summary>Creates AdaDelta (Zeiler 2012) over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate scaling δ (default: 1.0, Zeiler's algorithm).</param>
    /// <param name="rho">Decay ρ in [0, 1] of the running averages of g² and δ² (default: 0.9).</param>
    /// <param name="eps">ε &gt; 0 added inside both square roots (default: 1e-6).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: coupled L2, as torch.optim.Adadelta).</param>
    public Adadelta(IEnumerable<Parameter> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
        double weight_decay = 0, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, rho, eps, weight_decay, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates AdaDelta (Zeiler 2012) over parameter groups; the arguments are the defaults that groups inherit.</summary>
    /// <inheritdoc cref="Adadelta(IEnumerable{Parameter}, double, double, double, double, bool, WeightDecayMode)" />
    public Adadelta(IEnumerable<ParamGroup<Options>> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
        double weight_decay = 0, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : base(new Options {
            lr = lr, rho = rho, eps = eps, weight_decay = weight_decay,
            maximize = maximize, weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <inheritdoc />
    public override bool IsElementwise => true;

    /// <summary>Creates <c>square_avg</c> (v) and <c>acc_delta</c> (u), both zero (Zeiler 2012, Algorithm 1).</summary>
    /// <inheritdoc />
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        state.Set("square_avg", zeros_like(parameter));
        state.Set("acc_delta", zeros_like(parameter));
    }

    /// <summary>One AdaDelta step (Zeiler 2012, Algorithm 1, scaled by lr), in torch.optim.Adadelta's operation order.</summary>
    /// <inheritdoc />
    protected override void Update(UpdateContext<Options> context)
    {
        var o = context.Options;
        var s = context.Scalars;
        var rho = o.rho!.Value;
        var eps = s[o.eps!.Value];
        var squareAvg = context.State["square_avg"];
        var accDelta = context.State["acc_delta"];
        squareAvg.mul_(s[rho]).addcmul_(context.Grad, context.Grad, value: s[1 - rho]);
        var std = squareAvg.add(eps).sqrt_();
        var delta = accDelta.add(eps).sqrt_().div_(std).mul_(context.Grad);
        accDelta.mul_(s[rho]).addcmul_(delta, delta, value: s[1 - rho]);
        context.Param.add_(delta, alpha: s[-context.LearningRate]);
    }

    /// <inheritdoc />
    protected override bool TryFusedUpdate(FusedUpdate<Options> update)
    {
        var (squareAverage, deltaAverage) = (update.State["square_avg"], update.State["acc_delta"]);
        if (!FusedUpdate<Options>.Supports(squareAverage, deltaAverage)) {
            return false;
        }
        var o = update.Options;
        var constants = new AdadeltaKernel.Constants(o.rho!.Value, o.eps!.Value, update.LearningRate, update.Prologue);
        update.Run(constants, squareAverage, deltaAverage);
        return true;
    }

    /// <summary>AdaDelta's hyperparameters (Zeiler 2012); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : DescentOptions
    {
        /// <summary>Decay ρ of the running averages of g² and δ².</summary>
        public double? rho { get; set; }

        /// <summary>ε added inside both square roots.</summary>
        public double? eps { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(rho), rho, Hyperparameter.ClosedUnitInterval);
            Check(nameof(eps), eps, Hyperparameter.Positive);
        }
    }
}
