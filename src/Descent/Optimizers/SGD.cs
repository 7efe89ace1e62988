using System.Collections.Generic;
using Descent.Core;
using Descent.Fused;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// Stochastic gradient descent with momentum, dampening and Nesterov momentum, with torch.optim.SGD's semantics
/// (optimizer-specs §1): b ← μ·b + (1 − τ)·g (b ← g on the first step), d = g + μ·b (Nesterov) or b, θ ← θ − lr·d.
/// Nesterov momentum: Sutskever et al., "On the importance of initialization and momentum in deep learning" (ICML 2013).
/// </summary>
[OptimizerInfo("Robbins & Monro, \"A Stochastic Approximation Method\" (1951); momentum: Polyak (1964); Nesterov: Sutskever et al. (ICML 2013)", "torch.optim.SGD (PyTorch 1.13) golden trajectories")]
public sealed class SGD : DescentOptimizer<SGD.Options>, IMomentum
{
    /// <summary>Creates SGD over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default: 1e-3).</param>
    /// <param name="momentum">Momentum factor μ in [0, 1) (default: 0).</param>
    /// <param name="dampening">Dampening τ in [0, 1] (default: 0).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="nesterov">Nesterov momentum; needs momentum &gt; 0 and dampening 0 (default: false).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: coupled L2, as torch.optim.SGD).</param>
    public SGD(IEnumerable<Parameter> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weight_decay = 0, bool nesterov = false, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, momentum, dampening, weight_decay, nesterov, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates SGD over parameter groups; the arguments are the defaults that groups inherit.</summary>
    /// <inheritdoc cref="SGD(IEnumerable{Parameter}, double, double, double, double, bool, bool, WeightDecayMode)" />
    public SGD(IEnumerable<ParamGroup<Options>> groups, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weight_decay = 0, bool nesterov = false, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : base(new Options {
            lr = lr, momentum = momentum, dampening = dampening, weight_decay = weight_decay, nesterov = nesterov,
            maximize = maximize, weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <inheritdoc />
    public override bool IsElementwise => true;

    /// <summary>The default momentum (setting it sets every group's).</summary>
    public double Momentum { get => DefaultMomentum; set => DefaultMomentum = value; }

    /// <inheritdoc />
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        if (options.momentum != 0) {
            state.Set("momentum_buffer", zeros_like(parameter));
        }
    }

    /// <inheritdoc />
    protected override void Update(UpdateContext<Options> context)
    {
        var o = context.Options;
        var s = context.Scalars;
        var direction = context.Grad;
        var momentum = o.momentum!.Value;
        if (momentum != 0) {
            var (buffer, fresh) = MomentumBuffer(context);
            if (!fresh) {
                buffer.mul_(s[momentum]).add_(context.Grad, alpha: s[1 - o.dampening!.Value]);
            }
            direction = o.nesterov == true ? context.Grad.add(buffer, alpha: s[momentum]) : buffer;
        }
        context.Param.add_(direction, alpha: s[-context.LearningRate]);
    }

    /// <inheritdoc />
    protected override bool TryFusedUpdate(FusedUpdate<Options> update)
    {
        var o = update.Options;
        var momentum = o.momentum!.Value;
        var buffer = momentum == 0 ? null : update.State.Has("momentum_buffer") ? update.State["momentum_buffer"] : null;
        if ((momentum != 0 && buffer is null) || !FusedUpdate<Options>.Supports(buffer)) {
            return false; // a buffer switched on after construction is created by the tensor path
        }
        var constants = new SgdKernel.Constants(momentum, o.dampening!.Value, o.nesterov == true, update.Step == 1, update.LearningRate, update.Prologue);
        update.Run(constants, buffer);
        return true;
    }

    // The buffer starts as a copy of the first gradient, without dampening, as in torch; also when momentum was
    // switched on after construction (by a scheduler), in which case the buffer is created now.
    private static (Tensor buffer, bool fresh) MomentumBuffer(UpdateContext<Options> context)
    {
        var fresh = context.Step == 1 || !context.State.Has("momentum_buffer");
        var buffer = context.StateTensor("momentum_buffer");
        return fresh ? (buffer.copy_(context.Grad), true) : (buffer, false);
    }

    /// <summary>SGD's hyperparameters; null values inherit the optimizer's defaults.</summary>
    public sealed class Options : MomentumOptions
    {
        /// <summary>Dampening τ for momentum.</summary>
        public double? dampening { get; set; }

        /// <summary>Use Nesterov momentum.</summary>
        public bool? nesterov { get; set; }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            Check(nameof(dampening), dampening, Hyperparameter.ClosedUnitInterval);
            if (nesterov == true && (momentum <= 0 || dampening != 0)) {
                throw Hyperparameter.Invalid(nameof(nesterov), $"Nesterov momentum needs momentum > 0 and dampening = 0 (got momentum = {momentum}, dampening = {dampening}).");
            }
        }
    }
}
