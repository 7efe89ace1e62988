using System.IO;
using Descent.Lab;
using Descent.Lab.Commands;
using Xunit;

namespace Descent.Tests.Lab;

/// <summary><c>descent tour</c> and the command line around it, run in-process with captured output.</summary>
public class TourCommandTests
{
    [Fact]
    public void TourRunsWithTinySettingsAndPrintsTheTable()
    {
        var (exitCode, output, error) =
            Run("tour", "--epochs", "1", "--hidden", "8", "--batch-size", "128", "--seed", "3");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {error}; stdout: {output}");
        Assert.Equal("", error);
        Assert.Contains("seed 3", output);
        Assert.Contains("descent tour --epochs 1 --seed 3 --hidden 8 --batch-size 128 --threads 1", output);
        foreach (var header in new[] { "Optimizer", "Train loss", "Test accuracy", "Wall time" }) {
            Assert.Contains(header, output);
        }
        foreach (var optimizer in TourOptimizers.All) {
            Assert.Contains(optimizer.Name, output);
        }
        // Captured output is plain text: no escape sequences from colours or the live progress display.
        // (A char search: xunit compares strings culture-sensitively, and ICU ignores the escape character.)
        Assert.False(output.Contains('\u001b'), "the output holds escape sequences");
    }

    [Theory]
    [InlineData("tour", "--epochs", "0")]
    [InlineData("tour", "--epochs", "many")]
    [InlineData("tour", "--batch-size", "-5")]
    [InlineData("tour", "--no-such-option")]
    [InlineData("no-such-command")]
    [InlineData]
    public void InvalidCommandLinesExitWithTwoAndSayWhy(params string[] args)
    {
        var (exitCode, output, error) = Run(args);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Equal("", output);
        Assert.Contains("--help' for usage.", error);
        Assert.True(error.Split('\n').Length >= 2, $"expected an error message before the hint: {error}");
    }

    [Fact]
    public void OutOfRangeValueNamesTheOptionAndTheLimit()
    {
        var (exitCode, _, error) = Run("tour", "--hidden", "0");

        Assert.Equal(2, exitCode);
        Assert.Contains("--hidden must be at least 1, but was 0.", error);
        Assert.Contains("Run 'descent tour --help' for usage.", error);
    }

    [Fact]
    public void HelpDescribesTheTourOptionsAndSucceeds()
    {
        var (exitCode, output, _) = Run("tour", "--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--epochs", "--seed", "--hidden", "--batch-size", "--threads" }) {
            Assert.Contains(option, output);
        }
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = Program.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
