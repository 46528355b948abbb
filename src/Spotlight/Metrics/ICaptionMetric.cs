namespace Spotlight.Metrics;

/// <summary>
/// A caption metric: scores a <see cref="CaptionSet"/> and reports one or more named scores (BLEU reports four),
/// each as a corpus value and one value per item. A metric written elsewhere (METEOR) plugs in through
/// <see cref="DelegateCaptionMetric"/>.
/// </summary>
public interface ICaptionMetric
{
    /// <summary>The score names this metric reports, in display order (e.g. "BLEU-1" … "BLEU-4").</summary>
    IReadOnlyList<string> Names { get; }

    MetricScores Score(CaptionSet set);
}

/// <summary>Corpus scores by name, and per-item scores by name (indexed like <see cref="CaptionSet.Items"/>).</summary>
public sealed record MetricScores(IReadOnlyDictionary<string, double> Corpus, IReadOnlyDictionary<string, double[]> PerItem);

/// <summary>Wraps a scoring function as a metric, e.g. <c>new DelegateCaptionMetric(["METEOR"], set => ...)</c>.</summary>
public sealed class DelegateCaptionMetric(IReadOnlyList<string> names, Func<CaptionSet, MetricScores> score) : ICaptionMetric
{
    public IReadOnlyList<string> Names { get; } = names;

    public MetricScores Score(CaptionSet set) => score(set);
}

/// <summary>The names metrics report under, spelled as in the COCO leaderboard.</summary>
public static class MetricNames
{
    public const string Bleu1 = "BLEU-1", Bleu2 = "BLEU-2", Bleu3 = "BLEU-3", Bleu4 = "BLEU-4";
    public const string RougeL = "ROUGE-L", CiderD = "CIDEr-D", Cider = "CIDEr", Meteor = "METEOR";
}
