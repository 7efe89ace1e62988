using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.IO;
using Descent.Lab.Commands;
using Spectre.Console;

namespace Descent.Lab;

/// <summary>The <c>descent</c> command line: the lab's experiments as sub-commands.</summary>
public static class Program
{
    /// <summary>The process entry point.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The exit code; see <see cref="ExitCodes"/>.</returns>
    public static int Main(string[] args) => Run(args);

    /// <summary>Parses and runs a command line in-process; tests pass writers that capture the output.</summary>
    /// <param name="args">The arguments after <c>descent</c>.</param>
    /// <param name="output">
    /// Where normal output goes (default: the terminal). A writer gets plain text: no colours, no animation.
    /// </param>
    /// <param name="error">Where parse errors go (default: standard error).</param>
    /// <returns>0 on success, 1 when the command failed, 2 when the command line was invalid.</returns>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var console = output is null ? AnsiConsole.Console : PlainConsole(output);
        var root = CreateRootCommand(console, output ?? Console.Out, error ?? Console.Error);
        var parseResult = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };
        if (parseResult.Action is ParseErrorAction parseError) {
            // The default follows the errors with the whole help text, and with "did you mean" guesses for every
            // unmatched token (even for an option's value), both on standard output, where they bury the one line
            // that matters. The errors on standard error and a pointer to the help are clearer.
            parseError.ShowHelp = false;
            parseError.ShowTypoCorrections = false;
            parseResult.Invoke(invocation);
            invocation.Error.WriteLine($"Run '{CommandPath(parseResult)} --help' for usage.");
            // System.CommandLine would exit with 1, the same as a failed run; usage errors get 2, as in the BSD
            // and GNU conventions, so that scripts can tell a wrong command line from a failed experiment.
            return ExitCodes.UsageError;
        }
        return parseResult.Invoke(invocation);
    }

    /// <summary>Builds the root command with every sub-command.</summary>
    /// <param name="console">Where the sub-commands write.</param>
    /// <param name="output">Where machine-readable output (JSON) goes.</param>
    /// <param name="error">Where the lab's usage errors go (default: standard error).</param>
    /// <returns>The <c>descent</c> root command.</returns>
    public static RootCommand CreateRootCommand(IAnsiConsole console, TextWriter output, TextWriter? error = null)
    {
        error ??= Console.Error;
        ArgumentNullException.ThrowIfNull(console);
        return new RootCommand(
            "descent: the Descent lab. Reproducible optimizer experiments on real data, with TorchSharp on the CPU.")
        {
            TourCommand.Create(console),
            OptimizersCommand.Create(console, output),
            PlanCommand.Create(output),
            CurvatureCommand.Create(console),
            BenchCommand.Create(console, error),
            ListCommand.Create(output),
            RunCommand.Create(console, error),
            ReportCommand.Create(console, error),
        };
    }

    private static string CommandPath(ParseResult parseResult)
    {
        // The root's own name is the executable's (testhost under a test runner), so spell it out.
        var path = "descent";
        SymbolResult? result = parseResult.CommandResult;
        while (result is CommandResult command && command.Parent != null) {
            path = path.Insert("descent".Length, " " + command.Command.Name);
            result = command.Parent;
        }
        return path;
    }

    private static IAnsiConsole PlainConsole(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(output),
    });
}
