namespace Descent.Schedules;

/// <summary>
/// The shape of the warmup phase of <see cref="WarmupStableDecayLR"/>, as a function of the warmup progress
/// p = s / max(1, W) ∈ [0, 1). The names follow Hugging Face transformers' <c>get_wsd_schedule</c>
/// <c>warmup_type</c> values.
/// </summary>
public enum WarmupShape
{
    /// <summary>"linear": g(p) = p.</summary>
    Linear,

    /// <summary>"cosine": g(p) = ½ · (1 − cos(π · p)).</summary>
    Cosine,

    /// <summary>"1-sqrt": g(p) = 1 − √(1 − p).</summary>
    OneMinusSqrt,
}
