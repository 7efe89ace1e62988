using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Descent.Core;

/// <summary>
/// What every Descent optimizer shares, independent of its options type: parameter names, the non-finite-gradient
/// policy, state precision and checkpoints. Optimizers derive from <see cref="DescentOptimizer{TOptions}"/>.
/// </summary>
public abstract class DescentOptimizer : OptimizerHelper
{
    private readonly Dictionary<IntPtr, string> _names = new();
    private StatePrecision _statePrecision = StatePrecision.Auto;

    /// <summary>
    /// Whether an elementwise rule (<see cref="DescentOptimizer{TOptions}.IsElementwise"/>: the SGD, Adam and RMSprop
    /// families, AdaGrad, Adadelta, Adamax, Lion, Signum) packs each parameter group's parameters of one dtype and
    /// device, their gradients and their state into contiguous buffers, so that a step issues a handful of native
    /// operations for the whole group instead of a handful per parameter. Default true.
    /// </summary>
    /// <remarks>
    /// Packing happens at the first step: the parameters keep their identity but become views of the buffer (their
    /// storage is re-pointed), and so do their gradients and state tensors, so modules, checkpoints, LR schedules and
    /// <c>zero_grad</c> work unchanged, and the trajectory equals the per-parameter one. Groups of one parameter are
    /// not packed (nothing to gain). A view that user code breaks (a module's <c>zero_grad()</c> sets gradients to
    /// null; a checkpoint load or a precision change replaces state) is repaired at the next step at the cost of a
    /// copy; a step where some parameter of a group has no gradient updates that group parameter by parameter. Views
    /// of a parameter taken before packing keep the old storage. Set to false before the first step to keep the
    /// parameters' own storage; setting it to false later returns to per-parameter steps on the packed storage.
    /// </remarks>
    public bool FlatBuffers { get; set; } = true;

    /// <summary>
    /// Whether rules that have a fused CPU kernel (Adam and AdamW, SGD, RMSprop, Adagrad, Adadelta, Adamax, NAdam,
    /// RAdam, Lion, Signum) use it on float32 CPU tensors: one pass that reads and writes each element of the parameter,
    /// gradient and state once, split across TorchSharp's intra-op threads, instead of a sequence of tensor operations.
    /// Default true. Other devices, dtypes, cautious weight decay and the remaining rules take the tensor path. The
    /// kernels perform the tensor path's operations in the same order in float32, rounded as libtorch rounds them, except
    /// the square root (libtorch's is not correctly rounded): rules that take one differ from the tensor path in the
    /// last bits.
    /// </summary>
    public bool FusedKernels { get; set; } = true;

    /// <summary>How many updates a fused kernel has made (so tests can tell that the fast path actually ran).</summary>
    internal long FusedUpdates { get; private protected set; }

    /// <summary>
    /// The parameters that live in flat buffers (see <see cref="FlatBuffers"/>), in group order; empty before the first
    /// step and for rules that are not elementwise.
    /// </summary>
    public virtual IReadOnlyList<Parameter> PackedParameters => Array.Empty<Parameter>();

    /// <summary>What a step does with NaN or infinite gradients (default <see cref="NonFiniteGradientPolicy.Throw"/>).</summary>
    public NonFiniteGradientPolicy NonFiniteGradients { get; set; } = NonFiniteGradientPolicy.Throw;

    /// <summary>How many steps were skipped under <see cref="NonFiniteGradientPolicy.SkipStep"/>.</summary>
    public long SkippedSteps { get; protected set; }

    /// <summary>
    /// The dtype of state tensors (default <see cref="StatePrecision.Auto"/>: fp32 for 16-bit parameters). Setting it
    /// converts the existing state.
    /// </summary>
    public StatePrecision StatePrecision {
        get => _statePrecision;
        set {
            _statePrecision = value;
            foreach (var state in States()) {
                state.ConvertTo(StateDType(state.Parameter.dtype));
            }
        }
    }

    /// <summary>The parameter groups, typed.</summary>
    public IReadOnlyList<ParamGroup> Groups => _parameter_groups.ToList();

    /// <summary>The state of <paramref name="parameter"/>.</summary>
    public ParameterState StateOf(Parameter parameter) =>
        _state.ContainsKey(parameter.Handle) ? (ParameterState)_state[parameter.Handle]
            : throw new ArgumentException("This parameter is not managed by the optimizer.", nameof(parameter));

    /// <summary>The name given to <paramref name="parameter"/>, or a description of its position and shape.</summary>
    public string Describe(Parameter parameter)
    {
        if (_names.TryGetValue(parameter.Handle, out var name)) {
            return $"parameter '{name}'";
        }
        var index = _parameter_groups.SelectMany(g => g.Parameters).TakeWhile(p => p.Handle != parameter.Handle).Count();
        return $"parameter #{index} (shape [{string.Join(", ", parameter.shape)}])";
    }

    /// <summary>The name given to <paramref name="parameter"/>, or <c>#index</c> (its position over all groups).</summary>
    public string NameOf(Parameter parameter)
    {
        if (_names.TryGetValue(parameter.Handle, out var name)) {
            return name;
        }
        return "#" + _parameter_groups.SelectMany(g => g.Parameters).TakeWhile(p => p.Handle != parameter.Handle).Count();
    }

    /// <summary>Saves the optimizer state with a checksum; see <see cref="Checkpoint"/> for the format.</summary>
    public void SaveCheckpoint(string path) => Checkpoint.Save(this, path);

    /// <summary>Saves the optimizer state to a stream.</summary>
    public void SaveCheckpoint(Stream stream) => Checkpoint.Save(this, stream);

    /// <summary>
    /// Loads state written by <see cref="SaveCheckpoint(string)"/>. The whole file is read and checked (checksum,
    /// optimizer type, groups, parameter shapes, state layout) before anything changes; on any error an
    /// <see cref="InvalidDataException"/> is thrown and the optimizer is left as it was.
    /// </summary>
    public void LoadCheckpoint(string path) => Checkpoint.Load(this, path);

    /// <summary>Loads state from a stream; see <see cref="LoadCheckpoint(string)"/>.</summary>
    public void LoadCheckpoint(Stream stream) => Checkpoint.Load(this, stream);

    /// <summary>Records names for parameters (used in error messages and plans).</summary>
    protected void Name(IEnumerable<(string name, Parameter parameter)> named)
    {
        foreach (var (name, parameter) in named) {
            _names[parameter.Handle] = name;
        }
    }

    /// <summary>The dtype state tensors take for a parameter of dtype <paramref name="parameterType"/>.</summary>
    protected internal ScalarType StateDType(ScalarType parameterType) => _statePrecision switch {
        StatePrecision.Float32 => ScalarType.Float32,
        StatePrecision.BFloat16 => ScalarType.BFloat16,
        _ => parameterType is ScalarType.BFloat16 or ScalarType.Float16 ? ScalarType.Float32 : parameterType,
    };

    /// <summary>Every parameter's state, in group order.</summary>
    public IEnumerable<ParameterState> States() =>
        _parameter_groups.SelectMany(g => g.Parameters).Select(p => (ParameterState)_state[p.Handle]);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) {
            foreach (var state in States()) {
                state.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
