using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Descent.Orthogonalization;

/// <summary>
/// Newton–Schulz workspaces kept for reuse, by batch, shape, dtype and device. A workspace is taken out while a call
/// uses it, so calls on several threads at once each get their own (a second one is made when needed).
/// </summary>
internal sealed class WorkspacePool
{
    private readonly Dictionary<(long Batch, long Rows, long Columns, ScalarType DType, string Device), Stack<NewtonSchulzWorkspace>> _free = new();

    /// <summary>A workspace for (batch, rows, columns): a kept one if free, else a new one.</summary>
    public NewtonSchulzWorkspace Rent(long batch, long rows, long columns, ScalarType dtype, Device device)
    {
        lock (_free) {
            if (_free.TryGetValue((batch, rows, columns, dtype, device.ToString()), out var stack) && stack.Count > 0) {
                return stack.Pop();
            }
        }
        return new NewtonSchulzWorkspace(batch, rows, columns, dtype, device);
    }

    /// <summary>Keeps a workspace for the next call of its shape.</summary>
    public void Return(NewtonSchulzWorkspace workspace)
    {
        lock (_free) {
            var key = workspace.Key;
            if (!_free.TryGetValue(key, out var stack)) {
                _free[key] = stack = new Stack<NewtonSchulzWorkspace>();
            }
            stack.Push(workspace);
        }
    }

    /// <summary>Frees every kept workspace.</summary>
    public void Clear()
    {
        lock (_free) {
            foreach (var stack in _free.Values) {
                foreach (var workspace in stack) {
                    workspace.Dispose();
                }
            }
            _free.Clear();
        }
    }
}
