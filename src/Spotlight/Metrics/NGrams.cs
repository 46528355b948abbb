namespace Spotlight.Metrics;

/// <summary>An n-gram of 1 to 4 words, as word ids from one <see cref="NGramCounter"/>.</summary>
internal readonly record struct NGram(int Length, int W0, int W1, int W2, int W3)
{
    public override int GetHashCode() => HashCode.Combine(Length, W0, W1, W2, W3);
}

/// <summary>
/// Counts the 1..4-grams of a caption, splitting words as Python's <c>str.split()</c> does (the BLEU and CIDEr
/// scorers' <c>precook</c>). Words are interned, so one counter must serve a whole scoring run.
/// </summary>
internal sealed class NGramCounter
{
    public const int MaxOrder = 4;
    private readonly Dictionary<string, int> vocabulary = new(StringComparer.Ordinal);

    public (int Length, Dictionary<NGram, int> Counts) Count(string caption)
    {
        var words = PyStrings.SplitWords(caption);
        var ids = new int[words.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            if (!vocabulary.TryGetValue(words[i], out var id)) vocabulary[words[i]] = id = vocabulary.Count;
            ids[i] = id;
        }
        var counts = new Dictionary<NGram, int>(ids.Length * MaxOrder);
        for (var n = 1; n <= MaxOrder; n++)
        {
            for (var i = 0; i + n <= ids.Length; i++)
            {
                var key = new NGram(n, ids[i], n > 1 ? ids[i + 1] : -1, n > 2 ? ids[i + 2] : -1, n > 3 ? ids[i + 3] : -1);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }
        return (ids.Length, counts);
    }
}
