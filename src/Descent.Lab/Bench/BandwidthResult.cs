using System;
using System.Collections.Generic;
using System.Linq;

namespace Descent.Lab.Bench;

/// <summary>The bandwidth probes of one run; the fastest sets the floors.</summary>
/// <param name="Probes">Each probe's measurement.</param>
public sealed record BandwidthResult(IReadOnlyList<BandwidthSample> Probes)
{
    /// <summary>The fastest probe.</summary>
    public BandwidthSample Best => Probes.Count > 0 ? Probes.MaxBy(p => p.BytesPerSecond)! : throw new InvalidOperationException("No bandwidth probe ran.");

    /// <summary>Bytes (read + written) per second of the fastest probe: the bandwidth behind every floor.</summary>
    public double BytesPerSecond => Best.BytesPerSecond;
}
