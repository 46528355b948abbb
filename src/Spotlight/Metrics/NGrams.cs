namespace Spotlight.Metrics;

/// <summary>An n-gram of 1 to 4 words, as word ids from one <see cref="NGramCounter"/>.</summary>
internal readonly record struct NGram(int Length, int W0, int W1, int W2, int W3)
{
    public override int GetHashCode() => HashCode.Combine(Length, W0, W1, W2, W3);
}

/// <summary>A caption's n-gram counts: distinct n-gram ids in ascending order, each with its count.</summary>
internal sealed record NGramCounts(int Length, int[] Ids, int[] Counts)
{
    /// <summary>How often the n-gram occurs (0 if not at all).</summary>
    public int CountOf(int id)
    {
        var at = Array.BinarySearch(Ids, id);
        return at >= 0 ? Counts[at] : 0;
    }
}

/// <summary>
/// Counts the 1..4-grams of captions, splitting words as Python's <c>str.split()</c> does (the BLEU and CIDEr
/// scorers' <c>precook</c>). Every distinct n-gram gets an integer id, so later steps compare sorted id arrays
/// instead of hashing tuples; one counter must serve a whole scoring run, and counting is not thread-safe.
/// </summary>
internal sealed class NGramCounter
{
    public const int MaxOrder = 4;
    private readonly Dictionary<string, int> vocabulary = new(StringComparer.Ordinal);
    private readonly Dictionary<NGram, int> ids = [];
    private readonly List<byte> orders = [];

    /// <summary>Number of distinct n-grams seen so far; ids run from 0 to this minus 1.</summary>
    public int Distinct => orders.Count;

    /// <summary>The order n (1..4) of an n-gram id.</summary>
    public int OrderOf(int id) => orders[id];

    public NGramCounts Count(string caption)
    {
        var words = PyStrings.SplitWords(caption);
        var w = new int[words.Count];
        for (var i = 0; i < w.Length; i++)
        {
            if (!vocabulary.TryGetValue(words[i], out var id)) vocabulary[words[i]] = id = vocabulary.Count;
            w[i] = id;
        }
        var occurrences = new List<int>(w.Length * MaxOrder);
        for (var n = 1; n <= MaxOrder; n++)
            for (var i = 0; i + n <= w.Length; i++)
                occurrences.Add(Intern(new NGram(n, w[i], n > 1 ? w[i + 1] : -1, n > 2 ? w[i + 2] : -1, n > 3 ? w[i + 3] : -1)));
        occurrences.Sort();

        var distinct = new List<int>(occurrences.Count);
        var counts = new List<int>(occurrences.Count);
        foreach (var id in occurrences)
        {
            if (distinct.Count > 0 && distinct[^1] == id) counts[^1]++;
            else
            {
                distinct.Add(id);
                counts.Add(1);
            }
        }
        return new NGramCounts(w.Length, distinct.ToArray(), counts.ToArray());
    }

    private int Intern(NGram gram)
    {
        if (ids.TryGetValue(gram, out var id)) return id;
        ids[gram] = id = orders.Count;
        orders.Add((byte)gram.Length);
        return id;
    }
}
