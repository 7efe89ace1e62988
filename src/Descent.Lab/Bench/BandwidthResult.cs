namespace Descent.Lab.Bench;

/// <summary>A copy-bandwidth measurement.</summary>
/// <param name="BytesPerCopy">Bytes one copy reads and writes (2 × the tensor's size).</param>
/// <param name="Copy">The timing of one copy.</param>
public sealed record BandwidthResult(long BytesPerCopy, Measurement Copy)
{
    /// <summary>Bytes per second at the median copy time.</summary>
    public double BytesPerSecond => BytesPerCopy / Copy.Median;
}
