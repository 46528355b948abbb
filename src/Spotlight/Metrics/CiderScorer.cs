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
        var refCounts = new NGramCounts[set.Count][];
        var candCounts = new NGramCounts[set.Count];
        for (var i = 0; i < set.Count; i++)
        {
            refCounts[i] = set.Items[i].References.Select(counter.Count).ToArray();
            candCounts[i] = counter.Count(set.Items[i].Candidate);
        }

        var documentFrequency = DocumentFrequency(refCounts, counter.Distinct);
        var orders = Orders(counter);
        var logImages = Math.Log(set.Count);
        var scores = new double[set.Count];
        Parallel.For(0, set.Count, i =>
        {
            var candidate = Vectorize(candCounts[i], documentFrequency, orders, logImages);
            var references = refCounts[i].Select(counts => Vectorize(counts, documentFrequency, orders, logImages)).ToArray();
            scores[i] = Similarity(candidate, references, orders, dVariant, sigma);
        });
        return scores;
    }

    /// <summary>compute_doc_freq: each image counts once per n-gram found in any of its references.</summary>
    internal static int[] DocumentFrequency(NGramCounts[][] refCounts, int distinct)
    {
        var documentFrequency = new int[distinct];
        var lastImage = new int[distinct];
        for (var i = 0; i < refCounts.Length; i++)
            foreach (var counts in refCounts[i])
                foreach (var id in counts.Ids)
                    if (lastImage[id] != i + 1)
                    {
                        lastImage[id] = i + 1;
                        documentFrequency[id]++;
                    }
        return documentFrequency;
    }

    /// <summary>The order n of every n-gram id the counter has given out.</summary>
    internal static byte[] Orders(NGramCounter counter)
    {
        var orders = new byte[counter.Distinct];
        for (var id = 0; id < orders.Length; id++) orders[id] = (byte)counter.OrderOf(id);
        return orders;
    }

    /// <summary>One caption's score against its references' vectors: the mean over n of the summed cosines, over references, times 10.</summary>
    internal static double Similarity(Vector candidate, Vector[] references, byte[] orders, bool dVariant, double sigma)
    {
        var sums = new double[N];
        foreach (var reference in references) AddSimilarity(sums, candidate, reference, orders, dVariant, sigma);
        // np.mean over the n-gram orders, then divided by the number of references, times 10.
        var mean = (((sums[0] + sums[1]) + sums[2]) + sums[3]) / N;
        return mean / references.Length * 10.0;
    }

    /// <summary>
    /// counts2vec: TF-IDF weights, their norm per order, and the caption "length" the penalty uses, which the
    /// reference code takes as the number of bigrams (len − 1 for a non-empty caption, 0 for an empty one).
    /// </summary>
    /// An n-gram with an id past <paramref name="documentFrequency"/>'s end is in no reference (df 0).
    internal static Vector Vectorize(NGramCounts counts, int[] documentFrequency, byte[] orders, double logImages)
    {
        var weights = new double[counts.Ids.Length];
        var norms = new double[N];
        var length = 0;
        for (var j = 0; j < weights.Length; j++)
        {
            var id = counts.Ids[j];
            var df = Math.Log(Math.Max(1.0, id < documentFrequency.Length ? documentFrequency[id] : 0));
            var w = counts.Counts[j] * (logImages - df);
            weights[j] = w;
            norms[orders[id] - 1] += w * w;
            if (orders[id] == 2) length += counts.Counts[j];
        }
        for (var n = 0; n < N; n++) norms[n] = Math.Sqrt(norms[n]);
        return new Vector(counts.Ids, weights, norms, length);
    }

    /// <summary>sim: cosine per order over the n-grams both share (ids are sorted, so one merge pass).</summary>
    private static void AddSimilarity(double[] sums, Vector hyp, Vector reference, byte[] orders, bool dVariant, double sigma)
    {
        var values = new double[N];
        for (int a = 0, b = 0; a < hyp.Ids.Length && b < reference.Ids.Length;)
        {
            if (hyp.Ids[a] < reference.Ids[b]) a++;
            else if (hyp.Ids[a] > reference.Ids[b]) b++;
            else
            {
                var (h, r) = (hyp.Weights[a], reference.Weights[b]);
                values[orders[hyp.Ids[a]] - 1] += (dVariant ? Math.Min(h, r) : h) * r;
                a++;
                b++;
            }
        }
        double delta = hyp.Length - reference.Length;
        for (var n = 0; n < N; n++)
        {
            if (hyp.Norms[n] != 0 && reference.Norms[n] != 0) values[n] /= hyp.Norms[n] * reference.Norms[n];
            if (dVariant) values[n] *= Math.Exp(-(delta * delta) / (2 * sigma * sigma));
            sums[n] += values[n];
        }
    }

    internal sealed record Vector(int[] Ids, double[] Weights, double[] Norms, int Length);
}
