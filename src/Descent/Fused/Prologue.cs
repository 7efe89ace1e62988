using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// What every kernel does first to an element, in the core's order: the gradient's sign (<c>maximize</c>) and coupled
/// weight decay, g = sign·grad + λ·θ (θ before decay; one fused multiply-add, as libtorch's <c>grad.add(θ, alpha: λ)</c>),
/// then decoupled decay, θ ← scale·θ.
/// </summary>
internal readonly struct Prologue
{
    private readonly float _sign;
    private readonly float _coupled;
    private readonly float _scale;

    public Prologue(float sign, float coupled, float scale)
    {
        (_sign, _coupled, _scale) = (sign, coupled, scale);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<float> Apply(Vector<float> grad, ref Vector<float> param)
    {
        var g = _sign == 1 ? grad : grad * _sign;
        if (_coupled != 0) {
            g = Vector.FusedMultiplyAdd(param, new Vector<float>(_coupled), g);
        }
        if (_scale != 1) {
            param *= _scale;
        }
        return g;
    }
}
