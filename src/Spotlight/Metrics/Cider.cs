namespace Spotlight.Metrics;

/// <summary>
/// CIDEr-D, the metric the COCO leaderboard and pycocoevalcap call "CIDEr" (<c>cider/cider_scorer.py</c>):
/// TF-IDF cosine similarity per n-gram order (see <see cref="CiderScorer"/>) in which each candidate weight is
/// clipped to the reference's (min(g_c, g_r)·g_r, so repeating a word earns nothing), times a Gaussian penalty
/// exp(−δ²/2σ²) on the length difference δ, σ = 6; mean over n = 1..4 and references, ×10; corpus = mean.
/// </summary>
public sealed class CiderD(double sigma = 6.0) : ICaptionMetric
{
    public double Sigma { get; } = sigma;

    public IReadOnlyList<string> Names { get; } = [MetricNames.CiderD];

    public MetricScores Score(CaptionSet set) => CiderResult.Of(MetricNames.CiderD, CiderScorer.Score(set, dVariant: true, Sigma));
}

/// <summary>
/// Plain CIDEr as in vrama91/cider's <c>pyciderevalcap/cider</c> (df_mode "corpus"): the same TF-IDF cosine
/// without clipping and without the length penalty, mean over n = 1..4 and references, ×10; corpus = mean.
/// </summary>
public sealed class Cider : ICaptionMetric
{
    public IReadOnlyList<string> Names { get; } = [MetricNames.Cider];

    public MetricScores Score(CaptionSet set) => CiderResult.Of(MetricNames.Cider, CiderScorer.Score(set, dVariant: false, sigma: 0));
}

internal static class CiderResult
{
    public static MetricScores Of(string name, double[] perItem) => new(
        new Dictionary<string, double> { [name] = perItem.Length == 0 ? double.NaN : perItem.Sum() / perItem.Length },
        new Dictionary<string, double[]> { [name] = perItem });
}
