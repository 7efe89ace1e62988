using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Descent.Lab.Bench;

/// <summary>Where a benchmark ran: numbers from different machines (or thread counts) are not comparable.</summary>
/// <param name="Processor">The CPU model (from /proc/cpuinfo on Linux; "unknown" elsewhere).</param>
/// <param name="LogicalCores">Logical cores the runtime sees.</param>
/// <param name="Threads">libtorch intra-op threads used for the measurements.</param>
/// <param name="OperatingSystem">The OS description.</param>
/// <param name="Architecture">The process architecture.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="TorchSharp">The TorchSharp assembly version.</param>
public sealed record MachineInfo(string Processor, int LogicalCores, int Threads, string OperatingSystem, string Architecture,
    string Runtime, string TorchSharp)
{
    /// <summary>Describes this machine, with <paramref name="threads"/> as the thread count used.</summary>
    public static MachineInfo Current(int threads) => new(ProcessorName(), Environment.ProcessorCount, threads,
        RuntimeInformation.OSDescription, RuntimeInformation.ProcessArchitecture.ToString(),
        RuntimeInformation.FrameworkDescription, typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown");

    private static string ProcessorName()
    {
        const string cpuinfo = "/proc/cpuinfo";
        try {
            var line = File.Exists(cpuinfo) ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        } catch (IOException) {
            return "unknown";
        }
    }
}
