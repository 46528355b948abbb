namespace Spotlight.Metrics;

/// <summary>
/// BLEU-1..4 exactly as pycocoevalcap's <c>bleu/bleu_scorer.py</c> computes it with <c>option='closest'</c>:
/// clipped n-gram matches against the per-n-gram maximum over references, the reference length closest to the
/// candidate's (the shorter one on a tie), and the constants tiny = 1e-15 and small = 1e-9 that keep
/// zero counts from dividing by zero. The corpus score pools counts and lengths over all items; the per-item
/// score applies the same formula to one item's counts (so an item with no 4-gram match gets a tiny BLEU-4,
/// not zero). Words are split as Python's <c>str.split()</c> splits them.
/// </summary>
public sealed class Bleu : ICaptionMetric
{
    private const double Tiny = 1e-15, Small = 1e-9;
    private const int N = NGramCounter.MaxOrder;

    public IReadOnlyList<string> Names { get; } = [MetricNames.Bleu1, MetricNames.Bleu2, MetricNames.Bleu3, MetricNames.Bleu4];

    public MetricScores Score(CaptionSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var counter = new NGramCounter();
        var perItem = new double[N][];
        for (var k = 0; k < N; k++) perItem[k] = new double[set.Count];
        long totalTest = 0, totalRef = 0;
        var totalGuess = new long[N];
        var totalCorrect = new long[N];

        for (var i = 0; i < set.Count; i++)
        {
            var stats = Cook(counter, set.Items[i]);
            totalTest += stats.TestLength;
            totalRef += stats.RefLength;
            for (var k = 0; k < N; k++)
            {
                totalGuess[k] += stats.Guess[k];
                totalCorrect[k] += stats.Correct[k];
            }
            var scores = Combine(stats.Correct, stats.Guess, stats.TestLength, stats.RefLength);
            for (var k = 0; k < N; k++) perItem[k][i] = scores[k];
        }

        var corpus = Combine(totalCorrect, totalGuess, totalTest, totalRef);
        return new MetricScores(
            Names.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => corpus[p.k]),
            Names.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => perItem[p.k]));
    }

    /// <summary>bleu_scorer.compute_score: geometric mean of precisions up to n, times the brevity penalty.</summary>
    internal static double[] Combine(IReadOnlyList<long> correct, IReadOnlyList<long> guess, long testLength, long refLength)
    {
        var scores = new double[N];
        var product = 1.0;
        for (var k = 0; k < N; k++)
        {
            product *= (correct[k] + Tiny) / (guess[k] + Small);
            scores[k] = Math.Pow(product, 1.0 / (k + 1));
        }
        var ratio = (testLength + Tiny) / (refLength + Small);
        if (ratio < 1)
            for (var k = 0; k < N; k++) scores[k] *= Math.Exp(1 - 1 / ratio);
        return scores;
    }

    private static ItemStats Cook(NGramCounter counter, CaptionItem item)
    {
        // cook_refs: every reference's length; cook_test: guesses are all n-grams of the candidate, and each
        // n-gram's matches are clipped by the most times it occurs in any one reference.
        var refs = item.References.Select(counter.Count).ToArray();
        var refLengths = refs.Select(r => r.Length).ToArray();
        var test = counter.Count(item.Candidate);
        var guess = new long[N];
        var correct = new long[N];
        for (var k = 0; k < N; k++) guess[k] = Math.Max(0, test.Length - k);
        for (var j = 0; j < test.Ids.Length; j++)
        {
            var id = test.Ids[j];
            var maxRef = 0;
            foreach (var r in refs) maxRef = Math.Max(maxRef, r.CountOf(id));
            correct[counter.OrderOf(id) - 1] += Math.Min(maxRef, test.Counts[j]);
        }
        return new ItemStats(test.Length, ClosestLength(refLengths, test.Length), guess, correct);
    }

    /// <summary><c>min((abs(l - testlen), l) for l in reflen)[1]</c>: the closest length, the shorter on a tie.</summary>
    public static int ClosestLength(IReadOnlyList<int> refLengths, int testLength)
    {
        var best = refLengths[0];
        foreach (var l in refLengths)
        {
            var d = Math.Abs(l - testLength);
            var bestD = Math.Abs(best - testLength);
            if (d < bestD || (d == bestD && l < best)) best = l;
        }
        return best;
    }

    private sealed record ItemStats(int TestLength, int RefLength, long[] Guess, long[] Correct);
}
