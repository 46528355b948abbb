using Spotlight.Metrics;

namespace Spotlight.Captioning;

/// <summary>The corpus scores a captioning evaluation reports.</summary>
public sealed record CaptionMetricValues(double[] Bleu, double? Meteor, double RougeL, double CiderD);

/// <summary>Scores generated captions with the pycocoevalcap-compatible metrics.</summary>
public static class CaptionMetricSuite
{
    /// <summary>Captions are tokenized by <paramref name="tokenizer"/> first (null: <see cref="CaptionTokenizers.Default"/>).</summary>
    public static CaptionMetricValues Compute(
        IReadOnlyDictionary<string, IReadOnlyList<string>> references, IReadOnlyDictionary<string, string> hypotheses, bool withMeteor,
        ICaptionTokenizer? tokenizer = null)
    {
        var ids = hypotheses.Keys.ToList();
        var refs = ReferenceCaptions.From("references", ids.Select(id => (id, references[id])));
        var cands = new CandidateCaptions("generated captions", ids.Select(id => (id, hypotheses[id])).ToList());
        var metrics = new List<ICaptionMetric> { new Bleu(), new RougeL(), new CiderD() };
        if (withMeteor) metrics.Add(new MeteorCaptionMetric());
        var report = CaptionEvaluator.Evaluate(refs, cands, new EvaluationOptions(metrics, tokenizer));
        double? meteor = report.Corpus.TryGetValue(MetricNames.Meteor, out var m) ? m : null;
        return new CaptionMetricValues(
            [report.Corpus[MetricNames.Bleu1], report.Corpus[MetricNames.Bleu2], report.Corpus[MetricNames.Bleu3], report.Corpus[MetricNames.Bleu4]],
            meteor, report.Corpus[MetricNames.RougeL], report.Corpus[MetricNames.CiderD]);
    }
}
