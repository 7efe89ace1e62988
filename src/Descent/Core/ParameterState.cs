using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Descent.Core;

/// <summary>
/// The optimizer state of one parameter: a step counter, named tensors (torch.optim's names: <c>exp_avg</c>,
/// <c>exp_avg_sq</c>, <c>momentum_buffer</c>, …) and named scalars. One class serves every optimizer, so
/// serialization, device moves, precision changes and disposal are written once.
/// </summary>
public sealed class ParameterState : OptimizerState, IDisposable
{
    private readonly SortedDictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, double> _scalars = new(StringComparer.Ordinal);

    /// <summary>Creates the (empty) state of <paramref name="parameter"/>.</summary>
    public ParameterState(Parameter parameter) : base(parameter)
    {
    }

    /// <summary>The parameter this state belongs to.</summary>
    public Parameter Parameter => _parameter;

    /// <summary>How many updates this parameter has received (torch's per-parameter <c>step</c>).</summary>
    public long Step { get; set; }

    /// <summary>The names of the state tensors.</summary>
    public IEnumerable<string> TensorNames => _tensors.Keys;

    /// <summary>The names of the state scalars.</summary>
    public IEnumerable<string> ScalarNames => _scalars.Keys;

    /// <summary>The state tensor called <paramref name="name"/>.</summary>
    public Tensor this[string name] => _tensors.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"This optimizer state has no tensor '{name}'.");

    /// <summary>True when a tensor called <paramref name="name"/> exists.</summary>
    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>
    /// Counts replacements and additions of state tensors (not in-place changes such as a load): a flat buffer
    /// compares it to know whether the tensors it handed out are still the state's.
    /// </summary>
    internal long Version { get; private set; }

    /// <summary>The number of scalar entries.</summary>
    internal int ScalarCount => _scalars.Count;

    /// <summary>Stores a tensor, taking ownership of it (it is detached from any dispose scope).</summary>
    public Tensor Set(string name, Tensor value)
    {
        Version++;
        if (_tensors.TryGetValue(name, out var old) && !ReferenceEquals(old, value)) {
            old.Dispose();
        }
        _tensors[name] = value.DetachFromDisposeScope();
        return value;
    }

    /// <summary>Reads a named scalar (e.g. NAdam's <c>mu_product</c>).</summary>
    public double Scalar(string name) => _scalars.TryGetValue(name, out var v) ? v
        : throw new KeyNotFoundException($"This optimizer state has no scalar '{name}'.");

    /// <summary>Writes a named scalar.</summary>
    public void SetScalar(string name, double value) => _scalars[name] = value;

    /// <summary>Not used: <see cref="DescentOptimizer{TOptions}"/> initializes state through the optimizer's rule.</summary>
    public override void Initialize(OptimizerOptions options)
    {
    }

    /// <summary>Converts every floating state tensor to <paramref name="dtype"/>.</summary>
    internal void ConvertTo(ScalarType dtype)
    {
        foreach (var name in _tensors.Keys.ToList()) {
            var tensor = _tensors[name];
            if (tensor.is_floating_point() && tensor.dtype != dtype) {
                Set(name, tensor.to(dtype));
            }
        }
    }

    /// <inheritdoc />
    public override void to(Device device)
    {
        foreach (var name in _tensors.Keys.ToList()) {
            var tensor = _tensors[name];
            if (tensor.device != device) {
                Set(name, tensor.to(device));
            }
        }
    }

    /// <inheritdoc />
    public override void SaveStateDict(BinaryWriter writer)
    {
        writer.Write(Step);
        writer.Write(_scalars.Count);
        foreach (var (name, value) in _scalars) {
            writer.Write(name);
            writer.Write(value);
        }
        writer.Write(_tensors.Count);
        foreach (var (name, tensor) in _tensors) {
            writer.Write(name);
            TensorCodec.Write(writer, tensor);
        }
    }

    /// <summary>
    /// Reads state saved by <see cref="SaveStateDict"/>. Everything is read and checked against this state's layout
    /// (same names, shapes and dtypes) before anything is replaced, so a bad record leaves this state unchanged.
    /// </summary>
    public override void LoadStateDict(BinaryReader reader)
    {
        using var staged = new ParameterState(_parameter);
        staged.LoadStateDictUnchecked(reader);
        LoadStateDict(staged);
    }

    /// <summary>Reads a saved record into this (fresh) state without comparing layouts: the staging step of a load.</summary>
    internal void LoadStateDictUnchecked(BinaryReader reader)
    {
        Step = reader.ReadInt64();
        var scalars = reader.ReadInt32();
        for (var i = 0; i < scalars; i++) {
            SetScalar(reader.ReadString(), reader.ReadDouble());
        }
        var tensors = reader.ReadInt32();
        for (var i = 0; i < tensors; i++) {
            var name = reader.ReadString();
            Set(name, TensorCodec.Read(reader));
        }
    }

    /// <summary>Copies <paramref name="source"/> into this state after checking that the layouts match.</summary>
    public override void LoadStateDict(OptimizerState source)
    {
        if (source is not ParameterState other) {
            throw new InvalidDataException($"Cannot load {source.GetType().Name} into a Descent parameter state.");
        }
        CheckSameLayout(other);
        Step = other.Step;
        _scalars.Clear();
        foreach (var (name, value) in other._scalars) {
            _scalars[name] = value;
        }
        foreach (var (name, tensor) in other._tensors) {
            _tensors[name].copy_(tensor);
        }
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless <paramref name="other"/> has this state's tensors, shapes and scalar names.</summary>
    internal void CheckSameLayout(ParameterState other)
    {
        var describe = $"parameter of shape [{string.Join(", ", _parameter.shape)}]";
        if (!_tensors.Keys.SequenceEqual(other._tensors.Keys)) {
            throw new InvalidDataException($"Saved state of a {describe} has tensors [{string.Join(", ", other._tensors.Keys)}]; this optimizer keeps [{string.Join(", ", _tensors.Keys)}].");
        }
        foreach (var (name, tensor) in _tensors) {
            var saved = other._tensors[name];
            if (!saved.shape.SequenceEqual(tensor.shape)) {
                throw new InvalidDataException($"Saved state '{name}' has shape [{string.Join(", ", saved.shape)}]; the {describe} needs [{string.Join(", ", tensor.shape)}].");
            }
            if (saved.is_floating_point() != tensor.is_floating_point()) {
                throw new InvalidDataException($"Saved state '{name}' has dtype {saved.dtype}; expected {tensor.dtype}.");
            }
        }
    }

    /// <inheritdoc />
    public override bool ApproximatelyEquals(OptimizerState other) =>
        other is ParameterState o && o.Step == Step && _scalars.Count == o._scalars.Count
        && _scalars.All(kv => o._scalars.TryGetValue(kv.Key, out var v) && v == kv.Value)
        && _tensors.Keys.SequenceEqual(o._tensors.Keys)
        && _tensors.All(kv => kv.Value.to(o._tensors[kv.Key].dtype).allclose(o._tensors[kv.Key]));

    /// <summary>Disposes the state tensors.</summary>
    public void Dispose()
    {
        foreach (var tensor in _tensors.Values) {
            tensor.Dispose();
        }
        _tensors.Clear();
    }
}
