namespace Spotlight.Metrics;

/// <summary>
/// chrF and chrF++ as sacreBLEU 2.x computes them: character n-grams over the text with whitespace removed (Python
/// code points, so an emoji is one character), optional word n-grams over a punctuation-splitting tokenization,
/// the reference with the best segment F-score chosen per segment, statistics summed over the corpus, then
/// F_β of the averaged precision and recall.
/// </summary>
public static class ChrF
{
    // Python's string.punctuation, which chrF++ splits off word edges.
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>Corpus chrF; <paramref name="referenceStreams"/> is laid out as in <see cref="SacreBleu.Corpus"/>.</summary>
    public static ChrFResult Corpus(IReadOnlyList<string> hypotheses,
        IReadOnlyList<IReadOnlyList<string?>> referenceStreams, ChrFOptions? options = null)
    {
        options ??= new ChrFOptions();
        options.Validate();
        var (perSegment, nrefs) = SacreBleuReferences.Transpose(hypotheses, referenceStreams);
        var totals = new long[3 * (options.CharOrder + options.WordOrder)];
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var best = SegmentStatistics(hypotheses[i], perSegment[i], options);
            for (int k = 0; k < totals.Length; k++) totals[k] += best[k];
        }
        return new ChrFResult(FScore(totals, options), Name(options), totals,
            Signature(options, nrefs, shortForm: false), Signature(options, nrefs, shortForm: true));
    }

    /// <summary>Sentence chrF against one or more references (sacreBLEU's <c>sentence_score</c>).</summary>
    public static ChrFResult Sentence(string hypothesis, IReadOnlyList<string> references, ChrFOptions? options = null) =>
        Corpus(new[] { hypothesis }, SacreBleuReferences.SentenceStreams(references), options);

    /// <summary>
    /// The [hyp, ref, match] counts per order against the reference whose segment F-score is highest (the first
    /// such reference on a tie).
    /// </summary>
    public static long[] SegmentStatistics(string hypothesis, IReadOnlyList<string> references, ChrFOptions options)
    {
        var hypNgrams = Ngrams(Preprocess(hypothesis, options), options);
        long[] best = Array.Empty<long>();
        double bestF = -1.0;
        foreach (var reference in references)
        {
            var refNgrams = Ngrams(Preprocess(reference, options), options);
            var stats = new long[3 * hypNgrams.Count];
            for (int k = 0; k < hypNgrams.Count; k++)
            {
                long hypCount = 0, match = 0;
                foreach (var (ngram, count) in hypNgrams[k])
                {
                    hypCount += count;
                    if (refNgrams[k].TryGetValue(ngram, out int refCount)) match += Math.Min(count, refCount);
                }
                // A reference without n-grams of this order does not count the hypothesis' n-grams either.
                stats[3 * k] = refNgrams[k].Count > 0 ? hypCount : 0;
                stats[3 * k + 1] = refNgrams[k].Values.Sum(c => (long)c);
                stats[3 * k + 2] = match;
            }
            double f = FScore(stats, options);
            if (f > bestF) { bestF = f; best = stats; }
        }
        return best;
    }

    /// <summary>
    /// chrF from [hyp, ref, match] counts: with <see cref="ChrFOptions.EpsSmoothing"/>, the mean of per-order
    /// F-scores (ε for empty orders); otherwise F_β of the precision and recall averaged over the orders where
    /// both hypothesis and reference have n-grams.
    /// </summary>
    public static double FScore(IReadOnlyList<long> statistics, ChrFOptions options)
    {
        const double eps = 1e-16;
        int orders = options.CharOrder + options.WordOrder;
        double factor = (double)options.Beta * options.Beta;
        double score = 0.0, avgPrec = 0.0, avgRec = 0.0;
        int effectiveOrder = 0;
        for (int i = 0; i < orders; i++)
        {
            long nHyp = statistics[3 * i], nRef = statistics[3 * i + 1], nMatch = statistics[3 * i + 2];
            double prec = nHyp > 0 ? (double)nMatch / nHyp : eps;
            double rec = nRef > 0 ? (double)nMatch / nRef : eps;
            double denom = factor * prec + rec;
            score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
            if (nHyp > 0 && nRef > 0)
            {
                avgPrec += prec;
                avgRec += rec;
                effectiveOrder++;
            }
        }
        if (options.EpsSmoothing) return 100 * score / orders;

        if (effectiveOrder == 0) avgPrec = avgRec = 0.0;
        else { avgPrec /= effectiveOrder; avgRec /= effectiveOrder; }
        if (avgPrec + avgRec == 0) return 0.0;
        double f = (1 + factor) * avgPrec * avgRec;
        f /= factor * avgPrec + avgRec;
        return 100 * f;
    }

    /// <summary>"chrF2" for chrF, "chrF2++" for word order 2 (one '+' per word order, as sacreBLEU names it).</summary>
    public static string Name(ChrFOptions options) => $"chrF{options.Beta}" + new string('+', options.WordOrder);

    /// <summary>The signature sacreBLEU prints for these options.</summary>
    public static string Signature(ChrFOptions options, string nrefs, bool shortForm) =>
        SacreBleuReferences.Signature(nrefs, new[]
        {
            ("case", "c", options.Lowercase ? "lc" : "mixed"),
            ("eff", "e", options.EpsSmoothing ? "no" : "yes"),
            ("nc", "nc", options.CharOrder.ToString()),
            ("nw", "nw", options.WordOrder.ToString()),
            ("space", "s", options.Whitespace ? "yes" : "no"),
        }, shortForm);

    private static string Preprocess(string line, ChrFOptions options) =>
        options.Lowercase ? SacreBleuText.Lower(line) : line;

    // Character n-grams of orders 1..CharOrder, then word n-grams of orders 1..WordOrder.
    private static List<Dictionary<string, int>> Ngrams(string line, ChrFOptions options)
    {
        var all = new List<Dictionary<string, int>>(options.CharOrder + options.WordOrder);
        string chars = options.Whitespace ? line : SacreBleuText.RemoveSpaces(line);
        var starts = CodePointStarts(chars);   // starts[i] = UTF-16 offset of code point i; last = Length
        int length = starts.Count - 1;
        for (int n = 1; n <= options.CharOrder; n++)
        {
            var counts = new Dictionary<string, int>();
            for (int i = 0; i + n <= length; i++)
            {
                string key = chars[starts[i]..starts[i + n]];
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
            all.Add(counts);
        }
        if (options.WordOrder > 0)
        {
            var words = SplitPunctuation(line);
            for (int n = 1; n <= options.WordOrder; n++)
            {
                var counts = new Dictionary<string, int>();
                for (int i = 0; i + n <= words.Count; i++)
                {
                    string key = string.Join(' ', words.GetRange(i, n));
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
                all.Add(counts);
            }
        }
        return all;
    }

    private static List<int> CodePointStarts(string s)
    {
        var starts = new List<int>(s.Length + 1);
        for (int i = 0; i < s.Length; i++)
        {
            starts.Add(i);
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
        }
        starts.Add(s.Length);
        return starts;
    }

    // chrF++'s word tokenization (from Popović's chrF++.py): one punctuation mark is split off the end of a word,
    // or else off its start; so "(hi)" becomes "(hi" and ")" (sacreBLEU issue #124, kept for compatibility).
    private static List<string> SplitPunctuation(string sentence)
    {
        var tokens = new List<string>();
        foreach (var w in SacreBleuText.Split(sentence))
        {
            if (w.Length == 1) tokens.Add(w);
            else if (Punctuation.Contains(w[^1])) { tokens.Add(w[..^1]); tokens.Add(w[^1..]); }
            else if (Punctuation.Contains(w[0])) { tokens.Add(w[..1]); tokens.Add(w[1..]); }
            else tokens.Add(w);
        }
        return tokens;
    }
}
