namespace Spotlight.Metrics;

/// <summary>
/// METEOR as one of the COCO caption metrics: scores the PTB-tokenized captions, as pycocoevalcap feeds them to the
/// METEOR jar. Resources come from local paths only: WordNet from <c>--wordnet</c>, else the environment variable
/// SPOTLIGHT_WORDNET, else /usr/share/wordnet (Debian's wordnet-base) when present; a paraphrase table only when
/// given (<c>--paraphrase</c> or SPOTLIGHT_METEOR_PARAPHRASE). Without WordNet the synonym module does not run, and
/// <see cref="Modules"/> says so.
/// </summary>
public sealed class MeteorCaptionMetric : ICaptionMetric
{
    private readonly Meteor meteor;

    public MeteorCaptionMetric(string? wordNetDirectory = null, string? paraphraseFile = null)
    {
        wordNetDirectory ??= DefaultWordNetDirectory();
        paraphraseFile ??= Environment.GetEnvironmentVariable("SPOTLIGHT_METEOR_PARAPHRASE");
        meteor = new Meteor(new MeteorOptions(WordNetDirectory: wordNetDirectory, ParaphraseFile: paraphraseFile));
    }

    public IReadOnlyList<string> Names { get; } = [MetricNames.Meteor];

    /// <summary>The modules that run, e.g. "exact, stem, synonym".</summary>
    public string Modules => string.Join(", ", meteor.Modules.Select(m => m.ToString().ToLowerInvariant()));

    public static string? DefaultWordNetDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("SPOTLIGHT_WORDNET");
        if (!string.IsNullOrEmpty(configured)) return configured;
        return File.Exists("/usr/share/wordnet/data.noun") ? "/usr/share/wordnet" : null;
    }

    public MetricScores Score(CaptionSet set)
    {
        // Items are keyed by position so that per-item scores line up with the set even if ids repeat.
        var references = new Dictionary<string, IReadOnlyList<string>>(set.Count);
        var hypotheses = new Dictionary<string, string>(set.Count);
        for (int i = 0; i < set.Count; i++)
        {
            var key = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            references[key] = set.Items[i].References;
            hypotheses[key] = set.Items[i].Candidate;
        }
        var result = meteor.Score(references, hypotheses);
        var perItem = Enumerable.Range(0, set.Count)
            .Select(i => result.PerItem[i.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ToArray();
        return new MetricScores(
            new Dictionary<string, double> { [MetricNames.Meteor] = result.Score },
            new Dictionary<string, double[]> { [MetricNames.Meteor] = perItem });
    }
}
