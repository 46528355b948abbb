using System.Collections.Concurrent;

namespace Spotlight.Metrics;

/// <summary>The chosen alignment of one hypothesis (line 1) with one reference (line 2), with METEOR's counts.</summary>
internal sealed record MeteorAlignment(
    IReadOnlyList<string> Words1,
    IReadOnlyList<string> Words2,
    int FunctionWords1,
    int FunctionWords2,
    int[] ContentMatches1,      // per stage: matched hypothesis content words
    int[] ContentMatches2,      // per stage: matched reference content words
    int[] FunctionMatches1,
    int[] FunctionMatches2,
    int Chunks);                // runs of matches contiguous and in order in both sentences

/// <summary>
/// METEOR 1.5's aligner: run the matchers, fix every match that is the only candidate for the words it covers,
/// then a beam search left to right over the reference resolving the rest. Partial alignments are ranked by
/// weighted coverage (exact = 1, other stages = 0.5, accumulated in an int as METEOR does, so a lone one-word
/// non-exact match adds nothing), then fewer chunks, then smaller summed position distance. The quirks are kept
/// on purpose: they decide which matches METEOR reports.
/// </summary>
internal sealed class MeteorAligner
{
    private readonly IReadOnlyList<MeteorModule> modules;
    private readonly double[] searchWeights;
    private readonly int beamSize;
    private readonly WordNetSynonyms? synonyms;
    private readonly ParaphraseTable? paraphrases;
    private readonly HashSet<string> functionWords;
    // Caption vocabularies are small, so each word is hashed, stemmed and looked up in WordNet once per scorer;
    // an alignment then only indexes arrays (matching was two thirds of METEOR's time before).
    private readonly ConcurrentDictionary<string, WordFacts> facts = new(StringComparer.Ordinal);

    /// <summary>What the matchers need of a word: its Java hash, its stem's, and its synsets sorted (null: none looked up).</summary>
    internal sealed record WordFacts(int Key, int StemKey, long[]? Synsets);

    public MeteorAligner(IReadOnlyList<MeteorModule> modules, int beamSize, WordNetSynonyms? synonyms,
        ParaphraseTable? paraphrases, IEnumerable<string> functionWords)
    {
        this.modules = modules;
        searchWeights = modules.Select(m => m == MeteorModule.Exact ? 1.0 : 0.5).ToArray();
        this.beamSize = beamSize;
        this.synonyms = synonyms;
        this.paraphrases = paraphrases;
        this.functionWords = new HashSet<string>(functionWords, StringComparer.Ordinal);
    }

    public MeteorAlignment Align(IReadOnlyList<string> words1, IReadOnlyList<string> words2)
    {
        var facts1 = Facts(words1);
        var facts2 = Facts(words2);
        var s = new MeteorStage(facts1.Select(f => f.Key).ToArray(), facts2.Select(f => f.Key).ToArray());
        // Identical sentences need only exact matching (METEOR: "prevents beam search errors").
        int stagesUsed = s.Keys1.AsSpan().SequenceEqual(s.Keys2) ? 1 : modules.Count;
        for (int stage = 0; stage < stagesUsed; stage++)
        {
            switch (modules[stage])
            {
                case MeteorModule.Exact: MeteorMatcher.Exact(stage, s); break;
                case MeteorModule.Stem: MeteorMatcher.Stem(stage, s, facts1, facts2); break;
                case MeteorModule.Synonym: MeteorMatcher.Synonym(stage, s, facts1, facts2); break;
                case MeteorModule.Paraphrase: MeteorMatcher.Paraphrase(stage, s, words1, words2, paraphrases!); break;
            }
        }

        var start = new Path(words1.Count, words2.Count);
        for (int j = 0; j < s.MatchesAt.Length; j++)
        {
            if (s.MatchesAt[j].Count != 1) continue;
            var m = s.MatchesAt[j][0];
            bool alone = true;
            for (int k = 0; k < m.Length; k++) alone &= s.Coverage2[j + k] == 1;
            for (int k = 0; k < m.MatchLength; k++) alone &= s.Coverage1[m.MatchStart + k] == 1;
            if (alone) { start.Matches[j] = m; start.SetUsed(m); }
        }
        var best = Resolve(s, start);
        return Summarize(words1, words2, best.Matches);
    }

    private WordFacts[] Facts(IReadOnlyList<string> words)
    {
        var result = new WordFacts[words.Count];
        for (int i = 0; i < result.Length; i++) result[i] = facts.GetOrAdd(words[i], LearnFacts);
        return result;
    }

    private WordFacts LearnFacts(string word)
    {
        long[]? sorted = null;
        if (synonyms is not null)
        {
            // A word's own synsets plus those of its base form (METEOR's SynonymMatcher).
            var set = new HashSet<long>(synonyms.Synsets(word));
            set.UnionWith(synonyms.StemSynsets(word));
            sorted = [.. set.Order()];
        }
        return new WordFacts(MeteorText.JavaHash(word), MeteorText.JavaHash(SnowballEnglishStemmer.Stem(word)), sorted);
    }

    private Path Resolve(MeteorStage s, Path start)
    {
        int n2 = s.MatchesAt.Length;
        var next = new List<Path> { start };
        for (int current = 0; current <= n2; current++)
        {
            var paths = next.Order(PathComparer).ToList();         // stable, like Java's Collections.sort
            next = new List<Path>();
            for (int rank = 0; rank < beamSize && rank < paths.Count; rank++)
            {
                var path = paths[rank];
                if (current == n2)
                {
                    if (path.LastMatchEnd != -1) path.Chunks++;
                    next.Add(path);
                    continue;
                }
                if (path.Used2[current])
                {
                    if (current < path.Idx) next.Add(path);              // inside a match already taken
                    else if (path.Matches[path.Idx] is { } fixedMatch)  // a match fixed before the search
                    {
                        Extend(path, fixedMatch);
                        path.Distance += Math.Abs(fixedMatch.Start - fixedMatch.MatchStart);
                        next.Add(path);
                    }
                    continue;
                }
                foreach (var m in s.MatchesAt[current])
                {
                    if (path.IsUsed(m)) continue;
                    var extended = path.Copy();
                    extended.SetUsed(m);
                    extended.Matches[current] = m;
                    Extend(extended, m);
                    // METEOR 1.5 adds the distance to the parent path, not the extended one; later siblings
                    // and the "skip" path inherit it. Kept so that ties break as they do in METEOR.
                    path.Distance += Math.Abs(m.Start - m.MatchStart);
                    next.Add(extended);
                }
                // Leave this reference word unmatched.
                if (path.LastMatchEnd != -1) { path.Chunks++; path.LastMatchEnd = -1; }
                path.Idx++;
                next.Add(path);
            }
            if (next.Count == 0) next.Add(paths[0]);   // METEOR: "skipping matches until possible to continue"
        }
        return next.Order(PathComparer).First();
    }

    private void Extend(Path path, MeteorMatch m)
    {
        path.MatchCount++;
        // Java's `int += double` truncates after every addition.
        path.Weighted1 = (int)(path.Weighted1 + m.MatchLength * searchWeights[m.Stage]);
        path.Weighted2 = (int)(path.Weighted2 + m.Length * searchWeights[m.Stage]);
        if (path.LastMatchEnd != -1 && m.MatchStart != path.LastMatchEnd) path.Chunks++;
        path.Idx = m.Start + m.Length;
        path.LastMatchEnd = m.MatchStart + m.MatchLength;
    }

    private MeteorAlignment Summarize(IReadOnlyList<string> words1, IReadOnlyList<string> words2, MeteorMatch?[] matches)
    {
        var function1 = words1.Select(w => functionWords.Contains(SacreBleuText.Lower(w))).ToArray();
        var function2 = words2.Select(w => functionWords.Contains(SacreBleuText.Lower(w))).ToArray();
        int stages = modules.Count;
        int[] content1 = new int[stages], content2 = new int[stages];
        int[] functionMatches1 = new int[stages], functionMatches2 = new int[stages];
        foreach (var m in matches)
        {
            if (m is null) continue;
            for (int k = 0; k < m.MatchLength; k++)
                if (function1[m.MatchStart + k]) functionMatches1[m.Stage]++; else content1[m.Stage]++;
            for (int k = 0; k < m.Length; k++)
                if (function2[m.Start + k]) functionMatches2[m.Stage]++; else content2[m.Stage]++;
        }
        return new MeteorAlignment(words1, words2, function1.Count(f => f), function2.Count(f => f),
            content1, content2, functionMatches1, functionMatches2, CountChunks(matches));
    }

    // Walk the reference: a chunk ends at an unmatched reference word or where the hypothesis side jumps.
    private static int CountChunks(MeteorMatch?[] matches)
    {
        int chunks = 0, idx = 0, lastMatchEnd = -1;
        while (idx < matches.Length)
        {
            var m = matches[idx];
            if (m is null)
            {
                if (lastMatchEnd != -1) { chunks++; lastMatchEnd = -1; }
                idx++;
                continue;
            }
            if (lastMatchEnd != -1 && m.MatchStart != lastMatchEnd) chunks++;
            idx = m.Start + m.Length;
            lastMatchEnd = m.MatchStart + m.MatchLength;
        }
        return lastMatchEnd != -1 ? chunks + 1 : chunks;
    }

    // More weighted coverage first, then fewer chunks, then smaller distance.
    private static readonly Comparer<Path> PathComparer = Comparer<Path>.Create((x, y) =>
    {
        int coverage = (y.Weighted1 + y.Weighted2) - (x.Weighted1 + x.Weighted2);
        if (coverage != 0) return coverage > 0 ? 1 : -1;
        if (x.Chunks != y.Chunks) return x.Chunks - y.Chunks;
        return x.Distance - y.Distance;
    });

    /// <summary>A partial alignment in the beam (METEOR's PartialAlignment).</summary>
    private sealed class Path
    {
        public MeteorMatch?[] Matches;
        public bool[] Used1, Used2;
        public int MatchCount, Weighted1, Weighted2, Chunks, Idx, Distance;
        public int LastMatchEnd = -1;

        public Path(int n1, int n2)
        {
            Matches = new MeteorMatch?[n2];
            Used1 = new bool[n1];
            Used2 = new bool[n2];
        }

        private Path(Path p)
        {
            Matches = (MeteorMatch?[])p.Matches.Clone();
            Used1 = (bool[])p.Used1.Clone();
            Used2 = (bool[])p.Used2.Clone();
            (MatchCount, Weighted1, Weighted2, Chunks, Idx, Distance, LastMatchEnd) =
                (p.MatchCount, p.Weighted1, p.Weighted2, p.Chunks, p.Idx, p.Distance, p.LastMatchEnd);
        }

        public Path Copy() => new(this);

        public bool IsUsed(MeteorMatch m)
        {
            for (int k = 0; k < m.Length; k++) if (Used2[m.Start + k]) return true;
            for (int k = 0; k < m.MatchLength; k++) if (Used1[m.MatchStart + k]) return true;
            return false;
        }

        public void SetUsed(MeteorMatch m)
        {
            for (int k = 0; k < m.Length; k++) Used2[m.Start + k] = true;
            for (int k = 0; k < m.MatchLength; k++) Used1[m.MatchStart + k] = true;
        }
    }
}
