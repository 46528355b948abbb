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

    /// <summary>From the words' Java hash codes.</summary>
    public MeteorStage(int[] keys1, int[] keys2)
    {
        Keys1 = keys1;
        Keys2 = keys2;
        MatchesAt = new List<MeteorMatch>[keys2.Length];
        for (int j = 0; j < MatchesAt.Length; j++) MatchesAt[j] = [];
        Coverage1 = new int[keys1.Length];
        Coverage2 = new int[keys2.Length];
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

    /// <summary>Words whose Snowball stems have the same Java hash (and that are not the same word).</summary>
    public static void Stem(int stage, MeteorStage s, MeteorAligner.WordFacts[] words1, MeteorAligner.WordFacts[] words2)
    {
        for (int j = 0; j < words2.Length; j++)
            for (int i = 0; i < words1.Length; i++)
                if (words1[i].StemKey == words2[j].StemKey && s.Keys1[i] != s.Keys2[j]) s.Add(new MeteorMatch(j, 1, i, 1, stage));
    }

    /// <summary>Words sharing a synset (each word's sets include its base form's), and that are not the same word.</summary>
    public static void Synonym(int stage, MeteorStage s, MeteorAligner.WordFacts[] words1, MeteorAligner.WordFacts[] words2)
    {
        for (int j = 0; j < words2.Length; j++)
            for (int i = 0; i < words1.Length; i++)
                if (s.Keys1[i] != s.Keys2[j] && SortedOverlap(words1[i].Synsets!, words2[j].Synsets!))
                    s.Add(new MeteorMatch(j, 1, i, 1, stage));
    }

    /// <summary>Whether two ascending arrays share an element (a merge walk: synset lists are short).</summary>
    internal static bool SortedOverlap(long[] a, long[] b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j]) return true;
            if (a[i] < b[j]) i++; else j++;
        }
        return false;
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
