using System;
using System.Collections.Generic;
using System.Linq;
using Descent.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Descent.Flat;

/// <summary>
/// The parameters of one parameter group that share a dtype and device, packed into one contiguous buffer so that an
/// elementwise rule runs once over all of them: each parameter becomes a view of <see cref="Param"/>, each gradient a
/// view of <see cref="Grad"/>, and each state tensor a view of the matching tensor of <see cref="State"/>.
/// </summary>
/// <remarks>
/// <para>
/// The parameters keep their identity (their storage is re-pointed with <c>set_</c>), so modules, checkpoints and
/// schedulers see nothing different. Autograd accumulates into the existing gradient tensors, hence into
/// <see cref="Grad"/>. Whatever breaks a view is repaired before the next flat step rather than trusted:
/// </para>
/// <list type="bullet">
/// <item>a gradient set to null and recreated by backward (<c>Module.zero_grad()</c> sets gradients to null) is copied
/// into its slot and the slot is made the gradient again;</item>
/// <item>a parameter whose storage moved (<c>set_</c>, <c>.data</c> replacement) is copied back into its slot and
/// re-pointed;</item>
/// <item>state replaced by a checkpoint load, a precision change or a device move is re-packed;</item>
/// <item>a parameter moved to another dtype or device makes the group go parameter by parameter for good.</item>
/// </list>
/// <para>
/// A step takes the flat path only when every member has a gradient and all members have taken the same number of
/// steps and hold the same scalar state; otherwise the optimizer updates the members one by one, which the views make equivalent.
/// </para>
/// </remarks>
internal sealed class FlatGroup : IDisposable
{
    private readonly Parameter[] _members;
    private readonly ParameterState[] _states;
    private readonly long[] _offsets;
    private readonly Tensor[] _paramSlots;
    private readonly Tensor[] _gradSlots;
    private readonly IntPtr[] _paramAddresses;
    private readonly IntPtr[] _gradAddresses;
    private readonly long[] _versions;
    private readonly HashSet<string> _stateNames = new(StringComparer.Ordinal);
    private bool _abandoned;


    private FlatGroup(Parameter[] members, ParameterState[] states)
    {
        _members = members;
        _states = states;
        MemberHandles = members.Select(p => p.Handle).ToHashSet();
        _versions = new long[states.Length];
        _offsets = new long[members.Length + 1];
        for (var i = 0; i < members.Length; i++) {
            _offsets[i + 1] = _offsets[i] + members[i].numel();
        }
        var first = members[0];
        using var noGrad = no_grad();
        // Packing happens inside a step's dispose scope; the buffers outlive it.
        Param = (Parameter)new Parameter(empty(_offsets[^1], first.dtype, first.device), requires_grad: false).DetachFromDisposeScope();
        Grad = zeros(_offsets[^1], first.dtype, first.device).DetachFromDisposeScope();
        _paramSlots = members.Select((p, i) => Slot(Param, i, p.shape)).ToArray();
        _gradSlots = members.Select((p, i) => Slot(Grad, i, p.shape)).ToArray();
        // The slots never move, so their addresses are read once; each step then costs one native call per tensor.
        _paramAddresses = _paramSlots.Select(TensorAddress.Of).ToArray();
        _gradAddresses = _gradSlots.Select(TensorAddress.Of).ToArray();
        State = new ParameterState(Param);
        for (var i = 0; i < members.Length; i++) {
            PackParameter(i);
            using var grad = members[i].grad;
            if (grad is not null) {
                PackGradient(i, grad);
            }
        }
        PackState();
    }

    /// <summary>The packed parameters (a parameter object so the flat state can be created from it).</summary>
    public Parameter Param { get; }

    /// <summary>The packed gradients.</summary>
    public Tensor Grad { get; }

    /// <summary>The packed state: one tensor per state name, and the members' common step count.</summary>
    public ParameterState State { get; }

    /// <summary>The packed parameters, in order.</summary>
    public IReadOnlyList<Parameter> Members => _members;

    /// <summary>The packed parameters' handles, to tell members from other parameters without allocating.</summary>
    public IReadOnlySet<IntPtr> MemberHandles { get; }

    /// <summary>
    /// Packs <paramref name="members"/> when it pays and is possible: at least two parameters, one dtype and device,
    /// and state tensors of the parameters' own sizes, with the same names and dtypes for every member. Returns null
    /// otherwise.
    /// </summary>
    public static FlatGroup? TryCreate(IReadOnlyList<Parameter> members, IReadOnlyList<ParameterState> states)
    {
        if (members.Count < 2 || !SameDTypeAndDevice(members) || !StateIsElementwise(members, states)) {
            return null;
        }
        return new FlatGroup(members.ToArray(), states.ToArray());
    }

    /// <summary>
    /// Repairs every broken view and readies <see cref="State"/>; false when this step cannot be flat (a member has
    /// no gradient, or the members' step counts differ).
    /// </summary>
    public bool TryPrepare()
    {
        if (_abandoned) {
            return false;
        }
        var step = _states[0].Step;
        for (var i = 0; i < _members.Length; i++) {
            if (_states[i].Step != step) {
                return false;
            }
            var gradAddress = TensorAddress.OfGradient(_members[i]);
            if (gradAddress == IntPtr.Zero) {
                return false;
            }
            if (gradAddress != _gradAddresses[i]) {
                using var grad = _members[i].grad!;
                PackGradient(i, grad);
            }
            if (TensorAddress.Of(_members[i]) != _paramAddresses[i]) {
                if (_members[i].dtype != Param.dtype || !SameDevice(_members[i], Param)) {
                    // Moved to another dtype or device (module.to after the optimizer was built): the buffer no longer
                    // fits, so the group goes parameter by parameter from now on.
                    _abandoned = true;
                    return false;
                }
                PackParameter(i);
            }
        }
        if (!SameScalars()) {
            return false;
        }
        if (!StateIsPacked()) {
            PackState();
        }
        State.Step = step;
        if (_states[0].ScalarCount > 0) {
            foreach (var name in _states[0].ScalarNames) {
                State.SetScalar(name, _states[0].Scalar(name));
            }
        }
        return true;
    }

    /// <summary>After a flat update: the members take the new step count and views of state the rule created lazily.</summary>
    public void Finish()
    {
        var scalars = State.ScalarCount == 0 ? Array.Empty<string>() : State.ScalarNames.ToArray();
        foreach (var state in _states) {
            state.Step = State.Step;
            foreach (var name in scalars) {
                state.SetScalar(name, State.Scalar(name));
            }
        }
        if (State.TensorNames.Any(name => !_stateNames.Contains(name))) {
            DistributeState();
        }
    }

    /// <summary>Zeroes the packed gradients, and any member gradient that is not (or no longer) a view of them.</summary>
    public void ZeroGrad()
    {
        Grad.zero_();
        for (var i = 0; i < _members.Length; i++) {
            var gradAddress = TensorAddress.OfGradient(_members[i]);
            if (gradAddress != IntPtr.Zero && gradAddress != _gradAddresses[i]) {
                using var grad = _members[i].grad!;
                grad.zero_();
            }
        }
    }

    /// <summary>Disposes the buffers' handles; the members keep the storage alive through their views.</summary>
    public void Dispose()
    {
        State.Dispose();
        foreach (var slot in _paramSlots.Concat(_gradSlots)) {
            slot.Dispose();
        }
        Grad.Dispose();
        Param.Dispose();
    }

    private Tensor Slot(Tensor buffer, int member, long[] shape) =>
        buffer.narrow(0, _offsets[member], _offsets[member + 1] - _offsets[member]).view(shape).DetachFromDisposeScope();

    private void PackParameter(int i)
    {
        using var noGrad = no_grad();
        _paramSlots[i].copy_(_members[i]);
        _members[i].set_(_paramSlots[i]);
    }

    private void PackGradient(int i, Tensor grad)
    {
        _gradSlots[i].copy_(grad);
        _members[i].grad = _gradSlots[i];
    }

    // Builds one flat tensor per state name from the members' current values and makes the members' tensors views.
    private void PackState()
    {
        foreach (var name in _states[0].TensorNames.ToList()) {
            var flat = cat(_states.Select(s => s[name].reshape(-1)).ToArray(), 0).DetachFromDisposeScope();
            State.Set(name, flat);
        }
        DistributeState();
    }

    private void DistributeState()
    {
        _stateNames.Clear();
        foreach (var name in State.TensorNames) {
            _stateNames.Add(name);
            for (var i = 0; i < _states.Length; i++) {
                // Each member's state owns its view (ParameterState.Set disposes the tensor it replaces).
                _states[i].Set(name, Slot(State[name], i, _members[i].shape));
            }
        }
        for (var i = 0; i < _states.Length; i++) {
            _versions[i] = _states[i].Version;
        }
    }

    // Scalar state (NAdam's μ product) is per parameter; a flat step needs every member to hold the same values.
    private bool SameScalars()
    {
        var first = _states[0];
        if (first.ScalarCount == 0) {
            return _states.All(state => state.ScalarCount == 0);
        }
        var names = first.ScalarNames.ToList();
        return _states.All(state => state.ScalarNames.SequenceEqual(names)
            && names.All(name => state.Scalar(name).Equals(first.Scalar(name))));
    }

    // The members' state tensors are still the views handed out: no member's state has had a tensor replaced (a
    // precision change, a device move) or added since they were handed out; a load copies in place.
    private bool StateIsPacked()
    {
        for (var i = 0; i < _states.Length; i++) {
            if (_states[i].Version != _versions[i]) {
                return false;
            }
        }
        return true;
    }

    private static bool SameDTypeAndDevice(IReadOnlyList<Parameter> members) =>
        members.All(p => p.dtype == members[0].dtype && SameDevice(p, members[0]) && !p.is_sparse);

    private static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;

    private static bool StateIsElementwise(IReadOnlyList<Parameter> members, IReadOnlyList<ParameterState> states)
    {
        var names = states[0].TensorNames.ToList();
        for (var i = 0; i < states.Count; i++) {
            if (!states[i].TensorNames.SequenceEqual(names)) {
                return false;
            }
            foreach (var name in names) {
                var tensor = states[i][name];
                if (tensor.numel() != members[i].numel() || tensor.dtype != states[0][name].dtype || !SameDevice(tensor, members[i])) {
                    return false;
                }
            }
        }
        return true;
    }
}
