namespace Spotlight.Metrics;

/// <summary>
/// ROUGE-L as pycocoevalcap's <c>rouge/rouge.py</c>: for each reference the longest common subsequence (LCS) of
/// words gives precision LCS/|candidate| and recall LCS/|reference|; the best precision and the best recall over
/// the references (possibly from different references) combine as F = (1+β²)PR / (R + β²P) with β = 1.2.
/// The corpus score is the mean over items. Words are split on single spaces (<c>split(" ")</c>), so an empty
/// caption is one empty word, as in the Python code.
/// </summary>
public sealed class RougeL : ICaptionMetric
{
    public const double Beta = 1.2;

    public IReadOnlyList<string> Names { get; } = [MetricNames.RougeL];

    public MetricScores Score(CaptionSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var scores = new double[set.Count];
        Parallel.For(0, set.Count, i => scores[i] = ScoreItem(set.Items[i].Candidate, set.Items[i].References));
        var mean = set.Count == 0 ? double.NaN : scores.Sum() / set.Count;
        return new MetricScores(
            new Dictionary<string, double> { [MetricNames.RougeL] = mean },
            new Dictionary<string, double[]> { [MetricNames.RougeL] = scores });
    }

    /// <summary>One candidate against its references (rouge.py's calc_score).</summary>
    public static double ScoreItem(string candidate, IReadOnlyList<string> references)
    {
        var c = PyStrings.SplitOnSpace(candidate);
        double bestPrecision = 0, bestRecall = 0;
        foreach (var reference in references)
        {
            var r = PyStrings.SplitOnSpace(reference);
            var lcs = LcsLength(r, c);
            bestPrecision = Math.Max(bestPrecision, lcs / (double)c.Length);
            bestRecall = Math.Max(bestRecall, lcs / (double)r.Length);
        }
        if (bestPrecision == 0 || bestRecall == 0) return 0;
        var beta2 = Math.Pow(Beta, 2);
        return (1 + beta2) * bestPrecision * bestRecall / (bestRecall + beta2 * bestPrecision);
    }

    /// <summary>Length of the longest common subsequence, by the usual dynamic programme over one rolling row.</summary>
    public static int LcsLength(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
                current[j] = string.Equals(a[i - 1], b[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }
}
