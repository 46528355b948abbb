namespace Spotlight.Captioning.Data;

/// <summary>
/// A small deterministic generator (xoshiro256**, seeded through SplitMix64; Blackman &amp; Vigna 2018). Written out
/// here rather than using System.Random so that data sets and batch orders stay byte-identical across .NET versions.
/// <see cref="Derive"/> gives independent streams for (seed, epoch, index) without any shared state, so work can be
/// split across threads without changing a single draw.
/// </summary>
public sealed class SeededRandom
{
    private ulong s0, s1, s2, s3;

    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>A generator for a path of keys, e.g. Derive(seed, epoch, imageIndex).</summary>
    public static SeededRandom Derive(long seed, params long[] keys) => new(Hash(seed, keys));

    public static ulong Hash(long seed, params long[] keys)
    {
        ulong h = (ulong)seed;
        ulong state = h ^ 0x5851F42D4C957F2DUL;
        h = SplitMix(ref state);
        foreach (var key in keys)
        {
            state = h ^ ((ulong)key * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL);
            h = SplitMix(ref state);
        }
        return h;
    }

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform integer in [0, maxExclusive), without modulo bias (Lemire's multiply-and-reject).</summary>
    public int Next(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), "must be positive");
        ulong range = (ulong)maxExclusive;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            UInt128 product = (UInt128)NextUInt64() * range;
            if ((ulong)product >= threshold) return (int)(ulong)(product >> 64);
        }
    }

    /// <summary>Uniform integer in [min, maxInclusive].</summary>
    public int Next(int min, int maxInclusive) => min + Next(maxInclusive - min + 1);

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    public bool NextBool() => (NextUInt64() >> 63) != 0;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
