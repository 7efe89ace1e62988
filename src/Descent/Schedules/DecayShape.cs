namespace Descent.Schedules;

/// <summary>
/// The shape of the decay phase of <see cref="WarmupStableDecayLR"/>, as a function of the decay progress
/// p = (s − W − S) / max(1, D) ∈ [0, 1). The names follow Hugging Face transformers' <c>get_wsd_schedule</c>
/// <c>decay_type</c> values.
/// </summary>
public enum DecayShape
{
    /// <summary>"linear": g(p) = 1 − p.</summary>
    Linear,

    /// <summary>"cosine": g(p) = ½ · (1 + cos(π · p)) (a half cosine, HF's <c>num_cycles = 0.5</c>).</summary>
    Cosine,

    /// <summary>
    /// "1-sqrt": g(p) = 1 − √p (Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond Fixed Training
    /// Durations").
    /// </summary>
    OneMinusSqrt,
}
