using System;
using TorchSharp;

namespace Descent.Lab.Training;

/// <summary>
/// Pins libtorch's intra-op thread count for a stretch of code. CPU reductions are summed in a different order with a
/// different number of threads, so a result is reproducible bit for bit only at a fixed count.
/// </summary>
public sealed class TorchThreads : IDisposable
{
    private readonly int _previous;
    private bool _disposed;

    private TorchThreads(int count)
    {
        _previous = torch.get_num_threads();
        torch.set_num_threads(count);
    }

    /// <summary>Sets the thread count until the returned pin is disposed, which restores the previous count.</summary>
    /// <param name="count">The number of intra-op threads (at least 1).</param>
    /// <returns>The pin; dispose it to restore the previous count.</returns>
    public static TorchThreads Pin(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new TorchThreads(count);
    }

    /// <summary>Restores the thread count that was in effect before <see cref="Pin"/>.</summary>
    public void Dispose()
    {
        if (!_disposed) {
            torch.set_num_threads(_previous);
            _disposed = true;
        }
    }
}
