namespace Descent.Core;

/// <summary>
/// How an optimizer applies weight decay λ. One setting shared by every optimizer (option <c>weight_decay_mode</c>),
/// so the same model can be trained with the same decay semantics under any update rule. See Loshchilov &amp; Hutter,
/// "Decoupled Weight Decay Regularization" (ICLR 2019) for coupled versus decoupled decay.
/// </summary>
public enum WeightDecayMode
{
    /// <summary>No weight decay, whatever <c>weight_decay</c> says.</summary>
    None,

    /// <summary>L2 regularisation: g ← g + λθ before the update rule sees the gradient (torch.optim Adam, SGD).</summary>
    Coupled,

    /// <summary>Decoupled and scaled by the current learning rate: θ ← θ·(1 − lr·λ) before the update (AdamW).</summary>
    Decoupled,

    /// <summary>Decoupled with a fixed rate, independent of the learning rate: θ ← θ·(1 − λ) before the update.</summary>
    DecoupledFixed,

    /// <summary>
    /// Cautious decoupled decay: θ ← θ − lr·λ·θ only in the coordinates where the update u (θ ← θ − lr·u) has the
    /// sign of θ, that is where the update already pulls θ towards zero (modded-nanogpt; Dion's <c>cautious_wd</c>).
    /// </summary>
    Cautious,
}
