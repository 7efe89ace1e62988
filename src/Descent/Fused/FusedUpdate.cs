using System;
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

    /// <summary>
    /// Runs a rule's vector step over the parameter, its gradient and the state buffers the rule uses this step (null
    /// for the others: see <see cref="IVectorStep"/>), all checked by <see cref="Supports"/>.
    /// </summary>
    internal unsafe void Run<TStep>(TStep step, Tensor? state1 = null, Tensor? state2 = null, Tensor? state3 = null)
        where TStep : struct, IVectorStep
    {
        Elementwise.Run(step, Pointer(Param), Pointer(Grad), Pointer(state1), Pointer(state2), Pointer(state3), Param.numel());
        // The kernel reads raw memory: the tensors (whose finalizers would free it) must outlive it.
        GC.KeepAlive(Param);
        GC.KeepAlive(Grad);
        GC.KeepAlive(state1);
        GC.KeepAlive(state2);
        GC.KeepAlive(state3);
    }

    private static unsafe float* Pointer(Tensor? tensor) => tensor is null ? null : (float*)Flat.TensorAddress.Of(tensor);

    /// <summary>True when every given tensor (nulls aside) is float32, contiguous and on the CPU, so a kernel can run on it.</summary>
    public static bool Supports(params Tensor?[] tensors)
    {
        foreach (var tensor in tensors) {
            if (tensor is null) {
                continue;
            }
            if (tensor.dtype != ScalarType.Float32 || tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous()) {
                return false;
            }
        }
        return true;
    }
}
