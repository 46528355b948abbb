namespace Spotlight.Metrics.Ptb;

/// <summary>
/// A set of UTF-16 code units, as a 65,536-bit map. The lexer works on code units, not code points, because the
/// JFlex 1.5 scanner it reproduces does: a character outside the Basic Multilingual Plane is two units, neither of
/// which any rule accepts.
/// </summary>
internal sealed class LexCharSet
{
    private readonly ulong[] bits = new ulong[1024];

    public static LexCharSet Of(params char[] chars)
    {
        var set = new LexCharSet();
        foreach (var c in chars) set.Add(c);
        return set;
    }

    public static LexCharSet Where(Func<char, bool> predicate)
    {
        var set = new LexCharSet();
        for (var c = 0; c <= char.MaxValue; c++)
            if (predicate((char)c)) set.Add((char)c);
        return set;
    }

    public bool Contains(char c) => (bits[c >> 6] & (1UL << (c & 63))) != 0;

    public void Add(char c) => bits[c >> 6] |= 1UL << (c & 63);

    public void AddRange(char from, char to)
    {
        for (int c = from; c <= to; c++) Add((char)c);
    }

    public void UnionWith(LexCharSet other)
    {
        for (var i = 0; i < bits.Length; i++) bits[i] |= other.bits[i];
    }

    public LexCharSet Complement()
    {
        var set = new LexCharSet();
        for (var i = 0; i < bits.Length; i++) set.bits[i] = ~bits[i];
        return set;
    }

    /// <summary>A content key, so that equal sets built from different spellings share one entry.</summary>
    public string Key() => Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(bits.AsSpan()));
}
