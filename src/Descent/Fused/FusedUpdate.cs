using Descent.Core;
using static TorchSharp.torch;

namespace Descent.Fused;

/// <summary>
/// One update for a fused CPU kernel: the tensors (float32, contiguous, on the CPU), the rule's options, and what the
/// core would otherwise have applied with tensor operations before the rule: <c>maximize</c>, coupled weight decay
/// and decoupled weight decay. A kernel computes, per element, g = <see cref="GradSign"/>·grad +
/// <see cref="CoupledDecay"/>·θ, then θ ← <see cref="ParamScale"/>·θ, then the rule, in one pass.
/// </summary>
/// <typeparam name="TOptions">The optimizer's options type.</typeparam>
public sealed class FusedUpdate<TOptions> where TOptions : DescentOptions
{
    internal FusedUpdate(Tensor param, Tensor grad, ParameterState state, TOptions options, long step, float gradSign,
        float coupledDecay, float paramScale)
    {
        Param = param;
        Grad = grad;
        State = state;
        Options = options;
        Step = step;
        GradSign = gradSign;
        CoupledDecay = coupledDecay;
        ParamScale = paramScale;
    }

    /// <summary>θ (updated in place).</summary>
    public Tensor Param { get; }

    /// <summary>The raw gradient (never written).</summary>
    public Tensor Grad { get; }

    /// <summary>The state whose tensors the kernel reads and writes.</summary>
    public ParameterState State { get; }

    /// <summary>The group's options.</summary>
    public TOptions Options { get; }

    /// <summary>The learning rate.</summary>
    public double LearningRate => Options.LearningRate!.Value;

    /// <summary>The step being taken (1 for the first).</summary>
    public long Step { get; }

    /// <summary>−1 when maximizing, else 1.</summary>
    public float GradSign { get; }

    /// <summary>λ of coupled weight decay (0 when off).</summary>
    public float CoupledDecay { get; }

    /// <summary>The decoupled weight decay's factor, 1 − lr·λ or 1 − λ (1 when off).</summary>
    public float ParamScale { get; }

    /// <summary>The maximize sign and the two weight decays, as a kernel applies them per element.</summary>
    internal Prologue Prologue => new(GradSign, CoupledDecay, ParamScale);

    /// <summary>The address of a supported tensor's first element, for a kernel.</summary>
    internal static unsafe float* Pointer(Tensor tensor) => (float*)Flat.TensorAddress.Of(tensor);

    /// <summary>True when every given tensor is float32, contiguous and on the CPU, so a kernel can run on it.</summary>
    public static bool Supports(params Tensor[] tensors)
    {
        foreach (var tensor in tensors) {
            if (tensor.dtype != ScalarType.Float32 || tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous()) {
                return false;
            }
        }
        return true;
    }
}
