using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Descent.Optimizers;
using Spectre.Console;

namespace Descent.Lab.Commands;

/// <summary><c>descent optimizers [--json]</c>: every optimizer with its paper, defaults and verification.</summary>
public static class OptimizersCommand
{
    /// <summary>Builds the <c>optimizers</c> command.</summary>
    /// <param name="console">Where the table goes.</param>
    /// <param name="output">Where the JSON goes (the raw writer, so it is never wrapped or styled).</param>
    /// <returns>The command, ready to add to the root command.</returns>
    public static Command Create(IAnsiConsole console, TextWriter output)
    {
        var json = new Option<bool>("--json") { Description = "Print the catalogue as JSON instead of a table" };
        var command = new Command("optimizers", "List every optimizer with its paper, defaults and what it is verified against") { json };
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(json)) {
                output.WriteLine(Json());
            } else {
                console.Write(Table());
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The catalogue as indented JSON: an array of {name, paper, defaults, verified_against}.</summary>
    public static string Json()
    {
        var entries = OptimizerCatalog.All.Select(d => new {
            name = d.Name,
            paper = d.Paper,
            defaults = d.Defaults.ToDictionary(kv => kv.Key, kv => Value(kv.Value)),
            verified_against = d.VerifiedAgainst,
        });
        return JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true });
    }

    private static Table Table()
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Optimizer", "Paper", "Defaults", "Verified against");
        foreach (var d in OptimizerCatalog.All) {
            var defaults = string.Join("\n", d.Defaults.Select(kv => $"{kv.Key} = {Format(Value(kv.Value))}"));
            table.AddRow(Markup.Escape(d.Name), Markup.Escape(d.Paper), Markup.Escape(defaults), Markup.Escape(d.VerifiedAgainst));
        }
        return table;
    }

    // Enums by name, so the JSON reads "Coupled" rather than 1.
    private static object? Value(object? value) => value is System.Enum e ? e.ToString() : value;

    private static string Format(object? value) => value switch {
        null => "null",
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "",
    };
}
