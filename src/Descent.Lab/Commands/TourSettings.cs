using System.Globalization;

namespace Descent.Lab.Commands;

/// <summary>The configuration of one <c>descent tour</c> run; the same settings reproduce the same numbers.</summary>
/// <param name="Epochs">Training epochs per optimizer.</param>
/// <param name="Seed">The seed of the data split, the initial weights and the batch order.</param>
/// <param name="Hidden">The width of the MLP's hidden layer.</param>
/// <param name="BatchSize">Examples per optimizer step.</param>
/// <param name="Threads">libtorch's intra-op thread count.</param>
public sealed record TourSettings(int Epochs, int Seed, int Hidden, int BatchSize, int Threads)
{
    /// <summary>The command line that reruns exactly this configuration.</summary>
    /// <returns>A <c>descent tour</c> invocation with every option spelled out.</returns>
    public string ToCommandLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"descent tour --epochs {Epochs} --seed {Seed} --hidden {Hidden} --batch-size {BatchSize} --threads {Threads}");
}
