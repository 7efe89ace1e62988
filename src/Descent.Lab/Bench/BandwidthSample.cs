namespace Descent.Lab.Bench;

/// <summary>One bandwidth probe: an elementwise operation, the bytes it reads and writes per call, and its timing.</summary>
/// <param name="Name">The operation (e.g. <c>copy_</c>).</param>
/// <param name="BytesPerCall">Bytes one call reads plus the bytes it writes.</param>
/// <param name="Time">The timing of one call.</param>
public sealed record BandwidthSample(string Name, long BytesPerCall, Measurement Time)
{
    /// <summary>Bytes per second at the median time.</summary>
    public double BytesPerSecond => BytesPerCall / Time.Median;
}
