using System;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace Descent.Fused;

/// <summary>
/// Splits an elementwise kernel over [0, n) into chunks run in parallel, on as many threads as TorchSharp's intra-op
/// pool is set to (so <c>torch.set_num_threads</c> governs Descent's kernels as it governs libtorch's). Elementwise
/// results do not depend on the split, so any thread count gives the same bits.
/// </summary>
internal static class Chunks
{
    // Below this many elements per thread, starting threads costs more than it saves.
    private const long MinimumPerThread = 1 << 16;

    /// <summary>Runs <paramref name="body"/>(start, count) over [0, <paramref name="n"/>) in chunks.</summary>
    public static void Run(long n, Action<long, long> body)
    {
        var threads = (int)Math.Min(Math.Max(1, get_num_threads()), Math.Max(1, n / MinimumPerThread));
        if (threads <= 1) {
            body(0, n);
            return;
        }
        // Chunk bounds are multiples of 64 elements, so every chunk but the last starts and ends on whole vectors.
        var chunk = ((n + threads - 1) / threads + 63) & ~63L;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => {
            var start = t * chunk;
            var count = Math.Min(chunk, n - start);
            if (count > 0) {
                body(start, count);
            }
        });
    }
}
