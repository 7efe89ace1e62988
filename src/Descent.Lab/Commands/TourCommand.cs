using System.CommandLine;
using Spectre.Console;

namespace Descent.Lab.Commands;

/// <summary><c>descent tour</c>: trains an MLP on the digits with each optimizer and compares them.</summary>
public static class TourCommand
{
    /// <summary>Builds the <c>tour</c> command.</summary>
    /// <param name="console">Where the tour writes its progress and results.</param>
    /// <returns>The command, ready to add to the root command.</returns>
    public static Command Create(IAnsiConsole console)
    {
        var epochs = new Option<int>("--epochs")
        {
            Description = "Training epochs per optimizer",
            DefaultValueFactory = _ => 20,
        }.AtLeast(1);
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the data split, the initial weights and the batch order",
            DefaultValueFactory = _ => 1,
        }.AtLeast(0);
        var hidden = new Option<int>("--hidden")
        {
            Description = "Width of the MLP's hidden layer",
            DefaultValueFactory = _ => 64,
        }.AtLeast(1);
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Examples per optimizer step",
            DefaultValueFactory = _ => 32,
        }.AtLeast(1);
        var threads = new Option<int>("--threads")
        {
            Description = "libtorch intra-op threads; results are bitwise reproducible only at the same count",
            DefaultValueFactory = _ => 1,
        }.AtLeast(1);

        var command = new Command(
            "tour",
            "Train a small MLP on the UCI handwritten digits with each optimizer and compare loss, accuracy and time")
        {
            epochs,
            seed,
            hidden,
            batchSize,
            threads,
        };
        command.SetAction(parseResult =>
        {
            var settings = new TourSettings(
                parseResult.GetValue(epochs),
                parseResult.GetValue(seed),
                parseResult.GetValue(hidden),
                parseResult.GetValue(batchSize),
                parseResult.GetValue(threads));
            Tour.Run(console, settings);
            return ExitCodes.Success;
        });
        return command;
    }
}
