using System.Collections.Generic;
using Descent.Core;
using TorchSharp.Modules;

namespace Descent.Optimizers;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019): Adam with decoupled weight
/// decay θ ← θ·(1 − lr·λ) applied before the Adam step, as torch.optim.AdamW (optimizer-specs §3).
/// Default weight decay 1e-2, as torch (TorchSharp's own AdamW defaults to 0).
/// </summary>
[OptimizerInfo("Loshchilov & Hutter, \"Decoupled Weight Decay Regularization\" (ICLR 2019)", "torch.optim.AdamW (PyTorch 1.13) golden trajectories")]
public sealed class AdamW : Adam
{
    /// <summary>Creates AdamW over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default: 1e-3).</param>
    /// <param name="beta1">First-moment decay β1 in [0, 1) (default: 0.9).</param>
    /// <param name="beta2">Second-moment decay β2 in [0, 1) (default: 0.999).</param>
    /// <param name="eps">ε &gt; 0 added to the denominator (default: 1e-8).</param>
    /// <param name="weight_decay">Decoupled weight decay λ ≥ 0 (default: 1e-2).</param>
    /// <param name="amsgrad">Use the AMSGrad maximum of v (default: false).</param>
    /// <param name="maximize">Maximize the objective (default: false).</param>
    /// <param name="weight_decay_mode">How λ is applied (default: decoupled, scaled by lr).</param>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 1e-2, bool amsgrad = false, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, weight_decay_mode)
    {
    }

    /// <summary>Creates AdamW over parameter groups; the arguments are the defaults that groups inherit.</summary>
    /// <inheritdoc cref="AdamW(IEnumerable{Parameter}, double, double, double, double, double, bool, bool, WeightDecayMode)" />
    public AdamW(IEnumerable<ParamGroup<Options>> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 1e-2, bool amsgrad = false, bool maximize = false,
        WeightDecayMode weight_decay_mode = WeightDecayMode.Decoupled)
        : base(groups, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, weight_decay_mode)
    {
    }
}
