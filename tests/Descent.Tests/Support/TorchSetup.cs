using TorchSharp;

namespace Descent.Tests.Support;

/// <summary>Pins libtorch's thread count so float comparisons are reproducible (CPU reductions differ across thread counts).</summary>
public static class TorchSetup
{
    /// <summary>Sets one intra-op thread; call at the start of any test that compares floats exactly.</summary>
    public static void Deterministic(int seed = 0)
    {
        torch.set_num_threads(1);
        torch.manual_seed(seed);
    }
}
