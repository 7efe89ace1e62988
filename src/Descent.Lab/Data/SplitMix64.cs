namespace Descent.Lab.Data;

/// <summary>
/// Steele, Lea and Flood's SplitMix64 generator (OOPSLA 2014): a fixed, fully specified sequence for a seed, so that
/// seeded shuffles never change with the runtime or library version.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts the sequence for <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed)
    {
        _state = seed;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), without modulo bias.</summary>
    public ulong NextBelow(ulong bound)
    {
        // Reject the top partial block of the 64-bit range so every residue is equally likely.
        var limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong value;
        do {
            value = Next();
        } while (value >= limit);
        return value % bound;
    }
}
