using System;
using System.Collections.Generic;
using Descent.Lab.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Descent.Lab.Training;

/// <summary>
/// Trains a classifier with minibatches and cross-entropy loss, using any <see cref="optim.Optimizer"/>.
/// With a fixed seed, thread count and optimizer, two runs take identical steps.
/// </summary>
public static class MinibatchTrainer
{
    /// <summary>Trains <paramref name="model"/> with an optimizer built for its parameters, then disposes it.</summary>
    /// <param name="model">The classifier: [batch, features] float32 inputs to [batch, classes] logits.</param>
    /// <param name="createOptimizer">Builds the optimizer from the model's parameters.</param>
    /// <param name="data">The training examples.</param>
    /// <param name="settings">Epochs, batch size and the seed of the batch order.</param>
    /// <param name="epochCompleted">Called after each epoch, on the calling thread.</param>
    /// <returns>The mean training loss of each epoch.</returns>
    public static IReadOnlyList<double> Train(
        nn.Module<Tensor, Tensor> model,
        Func<IEnumerable<Parameter>, optim.Optimizer> createOptimizer,
        LabeledData data,
        TrainingSettings settings,
        Action<EpochReport>? epochCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(createOptimizer);
        using var optimizer = createOptimizer(model.parameters());
        return Train(model, optimizer, data, settings, epochCompleted);
    }

    /// <summary>Trains <paramref name="model"/> with an optimizer that the caller owns and disposes.</summary>
    /// <param name="model">The classifier: [batch, features] float32 inputs to [batch, classes] logits.</param>
    /// <param name="optimizer">An optimizer over the model's parameters.</param>
    /// <param name="data">The training examples.</param>
    /// <param name="settings">Epochs, batch size and the seed of the batch order.</param>
    /// <param name="epochCompleted">Called after each epoch, on the calling thread.</param>
    /// <returns>The mean training loss of each epoch.</returns>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite.</exception>
    public static IReadOnlyList<double> Train(
        nn.Module<Tensor, Tensor> model,
        optim.Optimizer optimizer,
        LabeledData data,
        TrainingSettings settings,
        Action<EpochReport>? epochCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);

        var count = data.Count;
        var losses = new List<double>(settings.Epochs);
        // One generator for the whole run, so each epoch gets a new order but the sequence of orders is fixed.
        using var generator = new torch.Generator(settings.Seed);
        model.train();
        for (var epoch = 1; epoch <= settings.Epochs; epoch++) {
            var lossSum = 0.0;
            using (var epochScope = torch.NewDisposeScope()) {
                // Manual randperm + index_select batching: an order of magnitude faster than DataLoader, which
                // indexes and collates example by example.
                var order = torch.randperm(count, generator: generator);
                for (var start = 0; start < count; start += settings.BatchSize) {
                    var size = Math.Min(settings.BatchSize, count - start);
                    // Every temporary of the step (batch, logits, loss, autograd graph) dies here; leaked tensors
                    // are freed only by finalizers, which the GC hardly runs because it cannot see native memory.
                    using var batchScope = torch.NewDisposeScope();
                    var index = order.narrow(0, start, size);
                    var features = data.Features.index_select(0, index);
                    var labels = data.Labels.index_select(0, index);

                    optimizer.zero_grad();
                    var logits = model.forward(features);
                    var loss = nn.functional.cross_entropy(logits, labels);
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * size;
                }
            }

            var meanLoss = lossSum / count;
            if (!double.IsFinite(meanLoss)) {
                throw new InvalidOperationException(
                    $"The training loss became {meanLoss} in epoch {epoch}; the learning rate is probably too high.");
            }
            losses.Add(meanLoss);
            epochCompleted?.Invoke(new EpochReport(epoch, settings.Epochs, meanLoss));
        }
        return losses;
    }
}
