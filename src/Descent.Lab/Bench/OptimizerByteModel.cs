using System;
using System.Collections.Generic;

namespace Descent.Lab.Bench;

/// <summary>
/// The memory-bandwidth floor of an optimizer step: the bytes the step must read and write per parameter. No
/// implementation can move fewer, so (bytes per parameter × parameters) / bandwidth (<see cref="BandwidthProbe"/>) is
/// the fastest a step can run once its data exceed the caches; Descent/floor says how far an implementation is from it.
/// </summary>
/// <remarks>
/// The model counts each float32 tensor the update rule needs once read and, if it changes, once written (4 bytes
/// each), with the benchmark's settings (no coupled weight decay, no Nesterov, no AMSGrad, RMSprop without momentum or
/// centering). Temporaries an implementation creates are not counted: avoiding them is what the floor measures.
/// </remarks>
public static class OptimizerByteModel
{
    private const int Float32 = sizeof(float);

    // Family → (tensors read, tensors written) per parameter element.
    private static readonly Dictionary<string, (int Read, int Written)> s_tensors = new(StringComparer.Ordinal)
    {
        // θ ← θ − lr·b, b ← μ·b + g: read θ, g, b; write θ, b.
        ["SGD"] = (3, 2),
        // m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − α·m̂/(√v̂ + ε): read θ, g, m, v; write θ, m, v.
        ["Adam"] = (4, 3),
        // Adam plus decoupled decay θ ← θ·(1 − lr·λ), which reads and writes θ, already counted.
        ["AdamW"] = (4, 3),
        // v ← α·v + (1−α)·g², θ ← θ − lr·g/(√v + ε): read θ, g, v; write θ, v.
        ["RMSprop"] = (3, 2),
        // s ← s + g², θ ← θ − lr·g/(√s + ε): read θ, g, s; write θ, s.
        ["Adagrad"] = (3, 2),
        // θ ← θ − lr·sign(β1·m + (1−β1)·g), m ← β2·m + (1−β2)·g: read θ, g, m; write θ, m.
        ["Lion"] = (3, 2),
        // Momentum as SGD's (read θ, g, M; write θ, M). Newton–Schulz works on matrix-sized temporaries and is
        // compute-bound (≈ 15 matrix products per matrix), so this floor is far below any real Muon step.
        ["Muon"] = (3, 2),
    };

    /// <summary>The families the model knows.</summary>
    public static IEnumerable<string> Families => s_tensors.Keys;

    /// <summary>Bytes read and written per float32 parameter in one step of <paramref name="family"/>.</summary>
    /// <exception cref="ArgumentException">The family is not in the model.</exception>
    public static int BytesPerParameter(string family) =>
        s_tensors.TryGetValue(family, out var t) ? (t.Read + t.Written) * Float32
            : throw new ArgumentException($"No byte model for optimizer family '{family}'.", nameof(family));

    /// <summary>The floor in seconds: the step's bytes over the bandwidth.</summary>
    /// <param name="family">The optimizer family.</param>
    /// <param name="parameters">Parameters updated per step.</param>
    /// <param name="bytesPerSecond">The measured bandwidth (read + write).</param>
    public static double FloorSeconds(string family, long parameters, double bytesPerSecond) =>
        (double)BytesPerParameter(family) * parameters / bytesPerSecond;
}
