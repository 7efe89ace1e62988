using System;
using System.Linq;
using System.Reflection;
using Descent.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Descent.Lab.Bench;

/// <summary>
/// The bytes of an optimizer's state, read from its <c>state_dict()</c>: Descent's states list their tensors by name;
/// TorchSharp's built-in states keep them in public fields (<c>exp_avg</c>, <c>momentum_buffer</c>, …), found by
/// reflection. Step counters and scalars are not counted: they do not grow with the model.
/// </summary>
public static class OptimizerStateBytes
{
    /// <summary>Sums numel × element size over every state tensor of every parameter.</summary>
    public static long Of(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer is not OptimizerHelper helper) {
            throw new ArgumentException($"{optimizer.GetType().Name} exposes no state_dict.", nameof(optimizer));
        }
        return helper.state_dict().State.Sum(Of);
    }

    private static long Of(OptimizerState state) => state switch {
        ParameterState descent => descent.TensorNames.Sum(name => Bytes(descent[name])),
        _ => state.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Where(f => typeof(Tensor).IsAssignableFrom(f.FieldType))
            .Sum(f => f.GetValue(state) is Tensor t ? Bytes(t) : 0),
    };

    private static long Bytes(Tensor tensor) => tensor.IsInvalid ? 0 : tensor.numel() * tensor.ElementSize;
}
