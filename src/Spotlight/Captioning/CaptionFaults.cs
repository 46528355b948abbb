namespace Spotlight.Captioning;

/// <summary>
/// Two known failure modes of generated captions, as fractions of captions (self-critical training is known to make
/// both more frequent): a <b>bad ending</b> — the caption stops on a word that cannot end an English noun phrase or
/// sentence ("a man in a", "a dog and"), or was cut off at the maximum length — and <b>repetition</b> — a word twice
/// in a row ("a dog dog") or a word pair that occurs twice ("a white shirt and a white shirt").
/// </summary>
public sealed record CaptionFaults(double BadEndings, double Repetitions, int Captions)
{
    public static readonly CaptionFaults None = new(double.NaN, double.NaN, 0);

    /// <summary>Articles, prepositions, conjunctions, possessives and auxiliaries: a caption that ends on one is unfinished.</summary>
    public static readonly IReadOnlySet<string> DanglingWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "an", "the", "of", "in", "on", "at", "with", "and", "or", "to", "for", "from", "by", "into", "onto", "through",
        "over", "under", "near", "his", "her", "their", "its", "is", "are", "while", "as", "some", "two", "three", "other",
    };

    public static bool HasBadEnding(IReadOnlyList<string> words, bool finished) =>
        !finished || words.Count == 0 || DanglingWords.Contains(words[^1]);

    public static bool HasRepetition(IReadOnlyList<string> words)
    {
        var pairs = new HashSet<(string, string)>();
        for (int i = 1; i < words.Count; i++)
            if (words[i] == words[i - 1] || !pairs.Add((words[i - 1], words[i]))) return true;
        return false;
    }

    /// <summary>The two rates over captions given as (words, whether decoding ended with &lt;end&gt;).</summary>
    public static CaptionFaults Of(IReadOnlyCollection<(IReadOnlyList<string> Words, bool Finished)> captions)
    {
        if (captions.Count == 0) return None;
        return new CaptionFaults(
            captions.Count(c => HasBadEnding(c.Words, c.Finished)) / (double)captions.Count,
            captions.Count(c => HasRepetition(c.Words)) / (double)captions.Count, captions.Count);
    }
}
