namespace Descent.Lab.Commands;

/// <summary>The process exit codes of <c>descent</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command ran to the end.</summary>
    public const int Success = 0;

    /// <summary>The command failed while running (an exception, or a run that diverged).</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong: an unknown command or option, or an invalid value. Nothing ran.</summary>
    public const int UsageError = 2;
}
