using System.Collections.Generic;
using Descent.Core;
using Descent.Fused;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Optimizers;

/// <summary>
/// Signum, sign of momentum, and signSGD (Bernstein et al., "signSGD: Compressed Optimisation for Non-Convex
/// Problems", ICML 2018), as Apache MXNet's <c>Signum</c> (optimizer-specs §34): m ← μ·m + (1 − μ)·g (m starts at 0),
/// θ ← θ − lr·sign(m), with sign(0) = 0. With momentum μ = 0 it is signSGD, θ ← θ − lr·sign(g): construct
/// <c>new Signum(parameters, momentum: 0)</c> (there is no separate SignSGD class, because group options and
/// momentum-cycling schedulers could set its momentum anyway). Weight decay is coupled by default (MXNet's
/// <c>wd</c>); <see cref="WeightDecayMode.Decoupled"/> gives MXNet's <c>wd_lh</c>, θ ← (1 − lr·λ)·θ. The paper's
/// distributed majority vote (sign of the sum of the workers' signs) is not part of this single-process rule.
/// </summary>
[OptimizerInfo("Bernstein et al., \"signSGD: Compressed Optimisation for Non-Convex Problems\" (ICML 2018)", "hand-derived vectors (optimizer-specs §34)")]
public sealed class Signum : DescentOptimizer<Signum.Options>, IMomentum
{
    /// <summary>Creates Signum (Bernstein et al. 2018) over one group of parameters; momentum 0 gives signSGD.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate: the size of every coordinate's step (default: 0.01).</param>
    /// <param name="momentum">Momentum μ in [0, 1); 0 gives signSGD (default: 0.9).</param>
    /// <param name="weight_decay">Weight decay λ ≥ 0 (default: 0).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: coupled L2, as MXNet's <c>wd</c>).</param>
    public Signum(IEnumerable<Parameter> parameters, double lr = 0.01, double momentum = 0.9, double weight_decay = 0,
        bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : this(new[] { new DescentParamGroup<Options>(parameters) }, lr, momentum, weight_decay, maximize, weight_decay_mode)
    {
    }

    /// <summary>
    /// Creates Signum (Bernstein et al. 2018) over parameter groups; the arguments are the defaults that groups inherit.
    /// </summary>
    /// <inheritdoc cref="Signum(IEnumerable{Parameter}, double, double, double, bool, WeightDecayMode)" />
    public Signum(IEnumerable<ParamGroup<Options>> groups, double lr = 0.01, double momentum = 0.9, double weight_decay = 0,
        bool maximize = false, WeightDecayMode weight_decay_mode = WeightDecayMode.Coupled)
        : base(new Options {
            lr = lr, momentum = momentum, weight_decay = weight_decay, maximize = maximize,
            weight_decay_mode = weight_decay_mode,
        })
    {
        AddGroups(groups);
    }

    /// <inheritdoc />
    public override bool IsElementwise => true;

    /// <summary>The default momentum μ of Signum (Bernstein et al. 2018) (setting it sets every group's).</summary>
    public double Momentum { get => DefaultMomentum; set => DefaultMomentum = value; }

    /// <summary>Creates the <c>momentum_buffer</c> m = 0 when μ &gt; 0; signSGD (μ = 0) keeps no state.</summary>
    protected override void InitializeState(ParameterState state, Parameter parameter, Options options)
    {
        if (options.momentum != 0) {
            state.Set("momentum_buffer", zeros_like(parameter));
        }
    }

    /// <summary>One Signum step (Bernstein et al. 2018): m ← μ·m + (1 − μ)·g; θ ← θ − lr·sign(m).</summary>
    protected override void Update(UpdateContext<Options> context)
    {
        var s = context.Scalars;
        var momentum = context.Options.momentum!.Value;
        Tensor direction;
        if (momentum == 0 && !context.State.Has("momentum_buffer")) {
            direction = context.Grad.sign();
        } else {
            // A buffer that exists is kept up to date even at μ = 0 (m ← g), so a scheduler may cycle μ freely;
            // one missing because μ was 0 at construction starts from zero now.
            var buffer = context.StateTensor("momentum_buffer");
            buffer.mul_(s[momentum]).add_(context.Grad, alpha: s[1 - momentum]);
            direction = buffer.sign();
        }
        context.Param.add_(direction, alpha: s[-context.LearningRate]);
    }

    /// <inheritdoc />
    protected override bool TryFusedUpdate(FusedUpdate<Options> update)
    {
        var momentum = update.Options.momentum!.Value;
        var hasBuffer = update.State.Has("momentum_buffer");
        if (momentum != 0 && !hasBuffer) {
            return false; // a buffer switched on after construction is created by the tensor path
        }
        var buffer = hasBuffer ? update.State["momentum_buffer"] : null;
        if (!FusedUpdate<Options>.Supports(buffer)) {
            return false;
        }
        var constants = new SignumKernel.Constants(momentum, hasBuffer, update.LearningRate, update.Prologue);
        update.Run(constants, buffer);
        return true;
    }

    /// <summary>Signum's hyperparameters (Bernstein et al. 2018); null values inherit the optimizer's defaults.</summary>
    public sealed class Options : MomentumOptions
    {
    }
}
