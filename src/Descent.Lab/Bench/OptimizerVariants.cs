using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch.optim;

namespace Descent.Lab.Bench;

/// <summary>
/// The optimizers the optimizers suite times, as named factories. Each family has Descent's implementation and,
/// where TorchSharp ships one, its built-in equivalent with the same hyperparameters. To time another Descent
/// implementation of a family (a fused or flat-buffer variant), add a row with the same family and an implementation
/// name starting with "Descent" (e.g. "Descent-flat"); the table, bench.json and the ratios pick it up.
/// </summary>
public static class OptimizerVariants
{
    /// <summary>The implementation name of Descent's optimizers.</summary>
    public const string Descent = "Descent";

    /// <summary>Descent with flat buffers but without the fused kernels (tensor operations on the flat buffers).</summary>
    public const string Unfused = "Descent-unfused";

    /// <summary>Descent without flat buffers or fused kernels: tensor operations parameter by parameter.</summary>
    public const string PerTensor = "Descent-per-tensor";

    /// <summary>The implementation name of TorchSharp's built-in optimizers.</summary>
    public const string TorchSharp = "TorchSharp";

    /// <summary>
    /// The default list: every family as Descent runs it by default (flat buffers, and fused kernels where the rule
    /// has one), and for SGD and Adam also the slower paths, to show what each mechanism gains. Hyperparameters are the usual defaults, equal on both sides; none adds work that the byte
    /// model does not count (no coupled weight decay, Nesterov, AMSGrad, centering or RMSprop momentum).
    /// </summary>
    public static IReadOnlyList<OptimizerVariant> Default { get; } = new OptimizerVariant[]
    {
        new("SGD", Descent, p => new Optimizers.SGD(p, lr: 1e-3, momentum: 0.9)),
        new("SGD", PerTensor, p => new Optimizers.SGD(p, lr: 1e-3, momentum: 0.9) { FlatBuffers = false, FusedKernels = false }),
        new("SGD", TorchSharp, p => SGD(p, 1e-3, momentum: 0.9)),
        new("Adam", Descent, p => new Optimizers.Adam(p, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8)),
        new("Adam", Unfused, p => new Optimizers.Adam(p, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8) { FusedKernels = false }),
        new("Adam", PerTensor, p => new Optimizers.Adam(p, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8) { FlatBuffers = false, FusedKernels = false }),
        new("Adam", TorchSharp, p => Adam(p, 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8)),
        new("AdamW", Descent, p => new Optimizers.AdamW(p, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01)),
        new("AdamW", TorchSharp, p => AdamW(p, 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01)),
        new("RMSprop", Descent, p => new Optimizers.RMSprop(p, lr: 1e-2, alpha: 0.99, eps: 1e-8)),
        new("RMSprop", TorchSharp, p => RMSProp(p, 1e-2, alpha: 0.99, eps: 1e-8)),
        new("Adagrad", Descent, p => new Optimizers.Adagrad(p, lr: 1e-2, eps: 1e-10)),
        new("Adagrad", TorchSharp, p => Adagrad(p, 1e-2, eps: 1e-10)),
        new("Lion", Descent, p => new Optimizers.Lion(p, lr: 1e-4, beta1: 0.9, beta2: 0.99)),
        // Every benchmark tensor is a matrix, so all of them take the Newton–Schulz path (bf16, Keller's quintic).
        new("Muon", Descent, p => new Optimizers.Muon(p, lr: 0.02, momentum: 0.95)),
    };

    /// <summary>The families in <paramref name="variants"/>, in first-appearance order.</summary>
    public static IReadOnlyList<string> Families(IEnumerable<OptimizerVariant> variants) =>
        variants.Select(v => v.Family).Distinct().ToList();
}
