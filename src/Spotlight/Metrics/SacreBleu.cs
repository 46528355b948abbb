namespace Spotlight.Metrics;

/// <summary>
/// BLEU (Papineni et al. 2002) exactly as sacreBLEU 2.x computes it (Post 2018, "A Call for Clarity in Reporting
/// BLEU Scores"): per-segment clipped n-gram counts against the union of the references (max count per n-gram),
/// the closest reference length (ties go to the shorter), corpus-level sums, smoothing, brevity penalty.
/// </summary>
public static class SacreBleu
{
    /// <summary>The sacreBLEU release whose behaviour and signature this port reproduces.</summary>
    public const string MimickedVersion = "2.6.0";

    /// <summary>
    /// Corpus BLEU. <paramref name="referenceStreams"/>[s][i] is reference set s's reference for hypothesis i
    /// (null where that set has none for this segment).
    /// </summary>
    public static SacreBleuResult Corpus(IReadOnlyList<string> hypotheses,
        IReadOnlyList<IReadOnlyList<string?>> referenceStreams, SacreBleuOptions? options = null)
    {
        options ??= new SacreBleuOptions();
        options.Validate();
        var (perSegment, nrefs) = SacreBleuReferences.Transpose(hypotheses, referenceStreams);

        int n = options.MaxNgramOrder;
        var correct = new double[n];
        var total = new double[n];
        int sysLen = 0, refLen = 0;
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var segment = SegmentStatistics(hypotheses[i], perSegment[i], options);
            sysLen += segment.HypLen;
            refLen += segment.RefLen;
            for (int k = 0; k < n; k++) { correct[k] += segment.Correct[k]; total[k] += segment.Total[k]; }
        }
        return FromStatistics(correct, total, sysLen, refLen, options, nrefs);
    }

    /// <summary>
    /// Sentence BLEU against one or more references (sacreBLEU's <c>sentence_score</c>). With no options given
    /// this uses <see cref="SacreBleuOptions.Sentence"/> (effective order on), as sacreBLEU's sentence_bleu does.
    /// </summary>
    public static SacreBleuResult Sentence(string hypothesis, IReadOnlyList<string> references,
        SacreBleuOptions? options = null) =>
        Corpus(new[] { hypothesis }, SacreBleuReferences.SentenceStreams(references),
            options ?? SacreBleuOptions.Sentence);

    /// <summary>One segment's sufficient statistics: lengths and per-order matched / total n-gram counts.</summary>
    public sealed record SegmentStats(int HypLen, int RefLen, int[] Correct, int[] Total);

    /// <summary>Tokenizes the hypothesis and its references and counts clipped n-gram matches.</summary>
    public static SegmentStats SegmentStatistics(string hypothesis, IReadOnlyList<string> references,
        SacreBleuOptions options)
    {
        int order = options.MaxNgramOrder;
        Dictionary<string, int>? refNgrams = null;
        var refLens = new List<int>(references.Count);
        foreach (var reference in references)
        {
            var (ngrams, length) = CountNgrams(Preprocess(reference, options), order);
            refLens.Add(length);
            if (refNgrams is null) { refNgrams = ngrams; continue; }
            foreach (var (ngram, count) in ngrams)
                refNgrams[ngram] = Math.Max(refNgrams.GetValueOrDefault(ngram), count);
        }
        refNgrams ??= new Dictionary<string, int>();

        var (hypNgrams, hypLen) = CountNgrams(Preprocess(hypothesis, options), order);
        var correct = new int[order];
        var total = new int[order];
        foreach (var (ngram, count) in hypNgrams)
        {
            int k = OrderOf(ngram) - 1;
            total[k] += count;
            if (refNgrams.TryGetValue(ngram, out int refCount)) correct[k] += Math.Min(count, refCount);
        }
        return new SegmentStats(hypLen, ClosestRefLength(hypLen, refLens), correct, total);
    }

    /// <summary>
    /// BLEU from corpus statistics (sacreBLEU's <c>compute_bleu</c>): smoothing, effective order and the brevity
    /// penalty exp(1 − r/c) when the hypotheses are shorter than the references.
    /// </summary>
    public static SacreBleuResult FromStatistics(IReadOnlyList<double> correct, IReadOnlyList<double> total,
        int sysLen, int refLen, SacreBleuOptions options, string nrefs = "1")
    {
        options.Validate();
        int maxOrder = options.MaxNgramOrder;
        if (correct.Count != maxOrder || total.Count != maxOrder)
            throw new SpotlightException(
                $"BLEU statistics need {maxOrder} orders, got {correct.Count} matches and {total.Count} totals");
        var counts = correct.ToArray();
        var totals = total.ToArray();
        double k = options.ResolvedSmoothValue;

        double bp = 1.0;
        if (sysLen < refLen) bp = sysLen > 0 ? Math.Exp(1.0 - (double)refLen / sysLen) : 0.0;

        var precisions = new double[maxOrder];
        string signature = Signature(options, nrefs, shortForm: false);
        string shortSignature = Signature(options, nrefs, shortForm: true);
        // No match at any order: 0, whatever the smoothing (sacreBLEU #141).
        if (counts.All(c => c == 0))
            return new SacreBleuResult(0.0, counts, totals, precisions, bp, sysLen, refLen, signature, shortSignature);

        double smoothMteval = 1.0;
        int effectiveOrder = maxOrder;
        for (int n = 1; n <= maxOrder; n++)
        {
            if (options.Smoothing == SacreBleuSmoothing.AddK && n > 1)
            {
                counts[n - 1] += k;
                totals[n - 1] += k;
            }
            if (totals[n - 1] == 0) break;
            if (options.EffectiveOrder) effectiveOrder = n;

            if (counts[n - 1] == 0)
            {
                if (options.Smoothing == SacreBleuSmoothing.Exp)
                {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * totals[n - 1]);
                }
                else if (options.Smoothing == SacreBleuSmoothing.Floor)
                    precisions[n - 1] = 100.0 * k / totals[n - 1];
            }
            else precisions[n - 1] = 100.0 * counts[n - 1] / totals[n - 1];
        }

        double logSum = 0.0;
        for (int n = 0; n < effectiveOrder; n++) logSum += FlooredLog(precisions[n]);
        double score = bp * Math.Exp(logSum / effectiveOrder);
        return new SacreBleuResult(score, counts, totals, precisions, bp, sysLen, refLen, signature, shortSignature);
    }

    /// <summary>The signature sacreBLEU prints for these options and this many references.</summary>
    public static string Signature(SacreBleuOptions options, string nrefs, bool shortForm) =>
        SacreBleuReferences.Signature(nrefs, new[]
        {
            ("case", "c", options.Lowercase ? "lc" : "mixed"),
            ("eff", "e", options.EffectiveOrder ? "yes" : "no"),
            ("tok", "tok", SacreBleuTokenizers.SignatureName(options.Tokenizer)),
            ("smooth", "s", options.SmoothingSignature),
        }, shortForm);

    // sacreBLEU lower-cases, then tokenizes the right-stripped line.
    private static string Preprocess(string line, SacreBleuOptions options)
    {
        if (options.Lowercase) line = SacreBleuText.Lower(line);
        return SacreBleuTokenizers.Tokenize(options.Tokenizer, SacreBleuText.RStrip(line));
    }

    // All n-grams of orders 1..maxOrder, keyed by their tokens joined with single spaces (tokens hold no spaces).
    private static (Dictionary<string, int> Counts, int Length) CountNgrams(string line, int maxOrder)
    {
        var tokens = SacreBleuText.Split(line);
        var counts = new Dictionary<string, int>();
        for (int n = 1; n <= maxOrder; n++)
            for (int i = 0; i + n <= tokens.Count; i++)
            {
                string key = n == 1 ? tokens[i] : string.Join(' ', tokens.GetRange(i, n));
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        return (counts, tokens.Count);
    }

    private static int OrderOf(string ngram)
    {
        int order = 1;
        foreach (char c in ngram) if (c == ' ') order++;
        return order;
    }

    // The reference length closest to the hypothesis length; on a tie, the shorter reference.
    private static int ClosestRefLength(int hypLen, List<int> refLens)
    {
        int bestDiff = -1, best = -1;
        foreach (int len in refLens)
        {
            int diff = Math.Abs(hypLen - len);
            if (bestDiff == -1 || diff < bestDiff) { bestDiff = diff; best = len; }
            else if (diff == bestDiff && len < best) best = len;
        }
        return best;
    }

    // sacreBLEU's my_log: log(0) is floored to -9999999999 so a zero precision drives the score to 0.
    private static double FlooredLog(double x) => x == 0.0 ? -9999999999.0 : Math.Log(x);
}
