namespace Spotlight.Metrics;

/// <summary>
/// What CIDEr and CIDEr-D share (Vedantam et al. 2015; code: pycocoevalcap <c>cider/cider_scorer.py</c>, which is
/// CIDEr-D, and vrama91/cider <c>pyciderevalcap/cider/cider_scorer.py</c>, plain CIDEr): each caption becomes one
/// TF-IDF vector per n-gram order n = 1..4, with term frequency the raw count and IDF
/// log(#images) − log(max(1, df)), where df counts the images whose references contain the n-gram
/// (so IDF comes from the evaluated set's own references). The score averages, over references, the mean over n
/// of the cosine similarity, times 10.
/// </summary>
internal static class CiderScorer
{
    private const int N = NGramCounter.MaxOrder;

    /// <summary>Per-item scores; dVariant = CIDEr-D's min(hyp, ref) weight clipping and Gaussian length penalty.</summary>
    public static double[] Score(CaptionSet set, bool dVariant, double sigma)
    {
        ArgumentNullException.ThrowIfNull(set);
        var counter = new NGramCounter();
        var refCounts = new Dictionary<NGram, int>[set.Count][];
        var candCounts = new Dictionary<NGram, int>[set.Count];
        var documentFrequency = new Dictionary<NGram, int>();
        for (var i = 0; i < set.Count; i++)
        {
            var item = set.Items[i];
            refCounts[i] = item.References.Select(r => counter.Count(r).Counts).ToArray();
            candCounts[i] = counter.Count(item.Candidate).Counts;
            var seen = new HashSet<NGram>();
            foreach (var counts in refCounts[i])
                foreach (var gram in counts.Keys)
                    if (seen.Add(gram)) documentFrequency[gram] = documentFrequency.GetValueOrDefault(gram) + 1;
        }

        var logImages = Math.Log(set.Count);
        var scores = new double[set.Count];
        Parallel.For(0, set.Count, i =>
        {
            var candidate = Vectorize(candCounts[i], documentFrequency, logImages);
            var sums = new double[N];
            foreach (var counts in refCounts[i])
            {
                var reference = Vectorize(counts, documentFrequency, logImages);
                var similarity = Similarity(candidate, reference, dVariant, sigma);
                for (var n = 0; n < N; n++) sums[n] += similarity[n];
            }
            // np.mean over the n-gram orders, then divided by the number of references, times 10.
            var mean = (((sums[0] + sums[1]) + sums[2]) + sums[3]) / N;
            scores[i] = mean / refCounts[i].Length * 10.0;
        });
        return scores;
    }

    /// <summary>
    /// counts2vec: TF-IDF weights, their norm per order, and the caption "length" the penalty uses, which the
    /// reference code takes as the number of bigrams (len − 1 for a non-empty caption, 0 for an empty one).
    /// </summary>
    private static Vector Vectorize(Dictionary<NGram, int> counts, Dictionary<NGram, int> documentFrequency, double logImages)
    {
        var weights = new Dictionary<NGram, double>(counts.Count);
        var norms = new double[N];
        var length = 0;
        foreach (var (gram, tf) in counts)
        {
            var df = Math.Log(Math.Max(1.0, documentFrequency.GetValueOrDefault(gram)));
            var w = tf * (logImages - df);
            weights[gram] = w;
            norms[gram.Length - 1] += w * w;
            if (gram.Length == 2) length += tf;
        }
        for (var n = 0; n < N; n++) norms[n] = Math.Sqrt(norms[n]);
        return new Vector(weights, norms, length);
    }

    private static double[] Similarity(Vector hyp, Vector reference, bool dVariant, double sigma)
    {
        var values = new double[N];
        foreach (var (gram, w) in hyp.Weights)
        {
            var r = reference.Weights.GetValueOrDefault(gram);
            values[gram.Length - 1] += (dVariant ? Math.Min(w, r) : w) * r;
        }
        double delta = hyp.Length - reference.Length;
        for (var n = 0; n < N; n++)
        {
            if (hyp.Norms[n] != 0 && reference.Norms[n] != 0) values[n] /= hyp.Norms[n] * reference.Norms[n];
            if (dVariant) values[n] *= Math.Exp(-(delta * delta) / (2 * sigma * sigma));
        }
        return values;
    }

    private sealed record Vector(Dictionary<NGram, double> Weights, double[] Norms, int Length);
}
