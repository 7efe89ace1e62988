using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Descent.Orthogonalization;

/// <summary>
/// Newton–Schulz workspaces kept for reuse, shared by every <see cref="NewtonSchulz"/> (optimizers build a new one
/// from their options at each step), up to a byte budget: the least recently returned go first, and a workspace
/// larger than the whole budget is not kept (at those sizes the products dwarf the cost of allocating). A workspace
/// is taken out while a call uses it, so concurrent calls each get their own.
/// </summary>
internal sealed class WorkspacePool
{
    private readonly LinkedList<NewtonSchulzWorkspace> _free = new();
    private long _budgetBytes;
    private long _keptBytes;

    public WorkspacePool(long budgetBytes) => _budgetBytes = budgetBytes;

    /// <summary>The pool every Newton–Schulz uses.</summary>
    public static WorkspacePool Shared { get; } = new(64L << 20);

    /// <summary>The most bytes of workspaces kept between calls; lowering it frees the excess at once.</summary>
    public long BudgetBytes {
        get { lock (_free) { return _budgetBytes; } }
        set { lock (_free) { _budgetBytes = value; Trim(); } }
    }

    /// <summary>Bytes of the workspaces kept now.</summary>
    public long KeptBytes { get { lock (_free) { return _keptBytes; } } }

    /// <summary>A workspace for (batch, rows, columns): a kept one if there is one, else a new one.</summary>
    public NewtonSchulzWorkspace Rent(long batch, long rows, long columns, ScalarType dtype, Device device)
    {
        var key = (batch, rows, columns, dtype, device.ToString());
        lock (_free) {
            var kept = _free.FirstOrDefault(workspace => workspace.Key == key);
            if (kept is not null) {
                _free.Remove(kept);
                _keptBytes -= kept.Bytes;
                return kept;
            }
        }
        return new NewtonSchulzWorkspace(batch, rows, columns, dtype, device);
    }

    /// <summary>Keeps a workspace for the next call of its shape, within the budget.</summary>
    public void Return(NewtonSchulzWorkspace workspace)
    {
        lock (_free) {
            if (workspace.Bytes > _budgetBytes) {
                workspace.Dispose();
                return;
            }
            _free.AddFirst(workspace);
            _keptBytes += workspace.Bytes;
            Trim();
        }
    }

    /// <summary>Frees every kept workspace.</summary>
    public void Clear()
    {
        lock (_free) {
            foreach (var workspace in _free) {
                workspace.Dispose();
            }
            _free.Clear();
            _keptBytes = 0;
        }
    }

    // Frees the least recently returned workspaces until the rest fit the budget (the caller holds the lock).
    private void Trim()
    {
        while (_keptBytes > _budgetBytes && _free.Last is { } last) {
            _free.RemoveLast();
            _keptBytes -= last.Value.Bytes;
            last.Value.Dispose();
        }
    }
}
