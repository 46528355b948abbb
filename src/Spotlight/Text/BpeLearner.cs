namespace Spotlight.Text;

/// <summary>
/// Learns BPE merges from text the way Sennrich et al. (2016, Algorithm 1) do: count the words, start from their
/// characters, and repeatedly merge the most frequent adjacent pair of symbols (counts weighted by word frequency,
/// overlapping occurrences of a pair like "a a a" counted each time). Ties go to the pair whose left symbol, then
/// right symbol, is first in ordinal order, so the same text always gives the same merges. Stops after
/// <c>merges</c> merges or when the best pair occurs fewer than <c>minFrequency</c> times.
/// </summary>
public static class BpeLearner
{
    public static BpeModel Learn(IEnumerable<string> lines, int merges, int minFrequency = 2)
    {
        if (merges < 0) throw new SpotlightException($"BPE merges must be ≥ 0, got {merges}");
        if (minFrequency < 1) throw new SpotlightException($"BPE minimum pair frequency must be ≥ 1, got {minFrequency}");
        var wordCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in lines)
            foreach (var word in BpePreTokenizer.Split(line))
                wordCounts[word] = wordCounts.GetValueOrDefault(word) + 1;
        return new Run(wordCounts).Learn(merges, minFrequency);
    }

    // The incremental algorithm: pair counts are kept up to date, and only words that hold the merged pair change.
    private sealed class Run
    {
        private readonly List<string> symbolText = [];
        private readonly Dictionary<string, int> symbolId = new(StringComparer.Ordinal);
        private readonly List<int[]> words = [];
        private readonly List<long> counts = [];
        private readonly Dictionary<(int, int), long> pairCounts = [];
        private readonly Dictionary<(int, int), HashSet<int>> pairWords = [];   // may list words that lost the pair
        private readonly SortedSet<(int, int)> ranking;                          // pairs by count desc, then text

        public Run(Dictionary<string, long> wordCounts)
        {
            ranking = new SortedSet<(int, int)>(Comparer<(int, int)>.Create(ComparePairs));
            foreach (var (word, count) in wordCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                words.Add(BpePreTokenizer.Symbols(word).Select(Intern).ToArray());
                counts.Add(count);
            }
            Alphabet = [.. symbolText];
            for (int w = 0; w < words.Count; w++) AddPairs(w, +1);
            foreach (var pair in pairCounts.Keys) ranking.Add(pair);
        }

        private List<string> Alphabet { get; }

        public BpeModel Learn(int mergeCount, int minFrequency)
        {
            var merges = new List<(string, string)>(mergeCount);
            while (merges.Count < mergeCount && ranking.Count > 0)
            {
                var best = ranking.Min;
                if (pairCounts[best] < minFrequency) break;
                merges.Add((symbolText[best.Item1], symbolText[best.Item2]));
                Merge(best);
            }
            return new BpeModel(Alphabet, merges);
        }

        private void Merge((int Left, int Right) pair)
        {
            int merged = Intern(symbolText[pair.Left] + symbolText[pair.Right]);
            var touched = new HashSet<(int, int)>();
            foreach (var w in pairWords[pair].ToArray())
            {
                var old = words[w];
                var next = new List<int>(old.Length);
                for (int i = 0; i < old.Length; i++)
                {
                    if (i + 1 < old.Length && old[i] == pair.Left && old[i + 1] == pair.Right) { next.Add(merged); i++; }
                    else next.Add(old[i]);
                }
                if (next.Count == old.Length) continue;   // a stale entry: this word no longer holds the pair
                foreach (var p in Pairs(old)) touched.Add(p);
                AddPairs(w, -1, touchedRanking: true);
                words[w] = [.. next];
                AddPairs(w, +1, touchedRanking: true);
                foreach (var p in Pairs(words[w])) touched.Add(p);
            }
            foreach (var p in touched)
            {
                ranking.Remove(p);   // removed by identity; counts changed, so re-insert at the new place
                if (pairCounts.GetValueOrDefault(p) > 0) ranking.Add(p);
                else { pairCounts.Remove(p); pairWords.Remove(p); }
            }
        }

        // Before counts change, pairs must leave the sorted set (its order depends on the counts).
        private void AddPairs(int w, int sign, bool touchedRanking = false)
        {
            foreach (var p in Pairs(words[w]))
            {
                if (touchedRanking) ranking.Remove(p);
                pairCounts[p] = pairCounts.GetValueOrDefault(p) + sign * counts[w];
                if (sign > 0)
                {
                    if (!pairWords.TryGetValue(p, out var set)) pairWords[p] = set = [];
                    set.Add(w);
                }
            }
        }

        private static IEnumerable<(int, int)> Pairs(int[] symbols)
        {
            for (int i = 0; i + 1 < symbols.Length; i++) yield return (symbols[i], symbols[i + 1]);
        }

        private int ComparePairs((int, int) a, (int, int) b)
        {
            int byCount = pairCounts.GetValueOrDefault(b).CompareTo(pairCounts.GetValueOrDefault(a));
            if (byCount != 0) return byCount;
            int byLeft = string.CompareOrdinal(symbolText[a.Item1], symbolText[b.Item1]);
            return byLeft != 0 ? byLeft : string.CompareOrdinal(symbolText[a.Item2], symbolText[b.Item2]);
        }

        private int Intern(string symbol)
        {
            if (symbolId.TryGetValue(symbol, out var id)) return id;
            symbolText.Add(symbol);
            symbolId[symbol] = symbolText.Count - 1;
            return symbolText.Count - 1;
        }
    }
}
