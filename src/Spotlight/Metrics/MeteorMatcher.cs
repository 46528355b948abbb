namespace Spotlight.Metrics;

/// <summary>The matching stages METEOR runs, in the order given; each only adds matches the earlier ones lack.</summary>
public enum MeteorModule
{
    /// <summary>Identical words.</summary>
    Exact,
    /// <summary>Different words with the same Snowball English stem.</summary>
    Stem,
    /// <summary>Different words sharing a WordNet synset (after WordNet's own base-form rules).</summary>
    Synonym,
    /// <summary>Phrases listed as paraphrases of each other in a paraphrase table (may span several words).</summary>
    Paraphrase,
}

/// <summary>
/// A candidate match: <see cref="Length"/> reference words from <see cref="Start"/> aligned to
/// <see cref="MatchLength"/> hypothesis words from <see cref="MatchStart"/>, found by the module at position
/// <see cref="Stage"/> in the module list.
/// </summary>
internal sealed record MeteorMatch(int Start, int Length, int MatchStart, int MatchLength, int Stage);

/// <summary>
/// All candidate matches between a hypothesis (line 1) and a reference (line 2), grouped by the reference position
/// they start at, with how many candidates cover each word. Words are compared by Java hash code, as METEOR does.
/// </summary>
internal sealed class MeteorStage
{
    public readonly int[] Keys1, Keys2;
    public readonly List<MeteorMatch>[] MatchesAt;   // per reference position, in the order they were found
    public readonly int[] Coverage1, Coverage2;

    public MeteorStage(IReadOnlyList<string> words1, IReadOnlyList<string> words2)
    {
        Keys1 = words1.Select(MeteorText.JavaHash).ToArray();
        Keys2 = words2.Select(MeteorText.JavaHash).ToArray();
        MatchesAt = Enumerable.Range(0, words2.Count).Select(_ => new List<MeteorMatch>()).ToArray();
        Coverage1 = new int[words1.Count];
        Coverage2 = new int[words2.Count];
    }

    public void Add(MeteorMatch m)
    {
        MatchesAt[m.Start].Add(m);
        for (int k = 0; k < m.MatchLength; k++) Coverage1[m.MatchStart + k]++;
        for (int k = 0; k < m.Length; k++) Coverage2[m.Start + k]++;
    }
}

/// <summary>METEOR 1.5's four matchers (ExactMatcher, StemMatcher, SynonymMatcher, ParaphraseMatcher).</summary>
internal static class MeteorMatcher
{
    public static void Exact(int stage, MeteorStage s)
    {
        for (int j = 0; j < s.Keys2.Length; j++)
            for (int i = 0; i < s.Keys1.Length; i++)
                if (s.Keys1[i] == s.Keys2[j]) s.Add(new MeteorMatch(j, 1, i, 1, stage));
    }

    /// <summary><paramref name="stemKey"/> gives the Java hash of a word's Snowball stem.</summary>
    public static void Stem(int stage, MeteorStage s, IReadOnlyList<string> words1, IReadOnlyList<string> words2,
        Func<string, int> stemKey)
    {
        var stems1 = words1.Select(stemKey).ToArray();
        var stems2 = words2.Select(stemKey).ToArray();
        for (int j = 0; j < stems2.Length; j++)
            for (int i = 0; i < stems1.Length; i++)
                if (stems1[i] == stems2[j] && s.Keys1[i] != s.Keys2[j]) s.Add(new MeteorMatch(j, 1, i, 1, stage));
    }

    /// <summary><paramref name="synsets"/> gives a word's synsets together with its base form's.</summary>
    public static void Synonym(int stage, MeteorStage s, IReadOnlyList<string> words1, IReadOnlyList<string> words2,
        Func<string, HashSet<long>> synsets)
    {
        var sets1 = words1.Select(synsets).ToArray();
        var sets2 = words2.Select(synsets).ToArray();
        for (int j = 0; j < sets2.Length; j++)
            for (int i = 0; i < sets1.Length; i++)
                if (sets1[i].Overlaps(sets2[j]) && s.Keys1[i] != s.Keys2[j])
                    s.Add(new MeteorMatch(j, 1, i, 1, stage));
    }

    /// <summary>
    /// Phrases of the reference found as paraphrases in the hypothesis, then phrases of the hypothesis found as
    /// paraphrases in the reference (both directions, as METEOR's table is not symmetric).
    /// </summary>
    public static void Paraphrase(int stage, MeteorStage s, IReadOnlyList<string> words1,
        IReadOnlyList<string> words2, ParaphraseTable table)
    {
        var line1 = words1.Select(table.WordId).ToArray();
        var line2 = words2.Select(table.WordId).ToArray();
        for (int j = 0; j < line2.Length; j++)
            foreach (var (length, index) in table.PhrasesAt(line2, j))
            {
                var words = table.Paraphrase(index);
                for (int i = 0; i < line1.Length; i++)
                    if (OccursAt(line1, i, words)) s.Add(new MeteorMatch(j, length, i, words.Length, stage));
            }
        for (int i = 0; i < line1.Length; i++)
            foreach (var (length, index) in table.PhrasesAt(line1, i))
            {
                var words = table.Paraphrase(index);
                for (int j = 0; j < line2.Length; j++)
                    if (OccursAt(line2, j, words)) s.Add(new MeteorMatch(j, words.Length, i, length, stage));
            }
    }

    private static bool OccursAt(int[] line, int at, int[] words)
    {
        for (int k = 0; k < words.Length; k++)
            if (at + k == line.Length || line[at + k] != words[k]) return false;
        return true;
    }
}
