namespace Spotlight.Captioning;

/// <summary>Corpus caption metrics (placeholder until the Metrics branch lands: TEMPORARY, do not merge).</summary>
public sealed record CaptionMetricValues(double[] Bleu, double? Meteor, double RougeL, double CiderD);

public static class CaptionMetricSuite
{
    public static CaptionMetricValues Compute(IReadOnlyDictionary<string, IReadOnlyList<string>> references, IReadOnlyDictionary<string, string> hypotheses, bool withMeteor)
    {
        // TEMPORARY: exact-match rate as a stand-in so the pipeline can run before the metrics land.
        double exact = hypotheses.Count(h => references[h.Key].Contains(h.Value)) / (double)Math.Max(1, hypotheses.Count);
        return new CaptionMetricValues([exact, exact, exact, exact], null, exact, exact);
    }
}
