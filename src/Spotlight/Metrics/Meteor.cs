namespace Spotlight.Metrics;

/// <summary>
/// METEOR 1.5 (Denkowski &amp; Lavie 2014) as COCO's caption evaluation runs it
/// (<c>java -jar meteor-1.5.jar - - -stdio -l en -norm</c>, driven by pycocoevalcap's meteor.py): each item's
/// hypothesis is aligned with every reference and the reference with the best score is kept (SCORE); the corpus
/// score is computed once from the statistics summed over items (EVAL), not as a mean of item scores.
/// Load once and reuse: construction reads WordNet and the paraphrase table. Scoring is thread-safe.
/// </summary>
public sealed class Meteor
{
    private readonly MeteorOptions options;
    private readonly MeteorAligner aligner;
    private readonly double[] weights;

    /// <summary>The modules that run, in order.</summary>
    public IReadOnlyList<MeteorModule> Modules { get; }

    /// <summary>
    /// Builds a scorer. Already-loaded resources may be passed in (to share them between scorers, or to use
    /// METEOR's own synonym files via <see cref="WordNetSynonyms.LoadMeteorFiles"/>); otherwise they are read from
    /// the paths in <paramref name="options"/>.
    /// </summary>
    public Meteor(MeteorOptions? options = null, WordNetSynonyms? synonyms = null, ParaphraseTable? paraphrases = null)
    {
        this.options = options ??= new MeteorOptions();
        options.Validate();
        if (synonyms is null && options.WordNetDirectory is { } wn) synonyms = WordNetSynonyms.LoadWordNet(wn);
        if (paraphrases is null && options.ParaphraseFile is { } pf) paraphrases = ParaphraseTable.Load(pf);

        var modules = options.Modules?.ToList() ?? DefaultModules(synonyms, paraphrases);
        if (modules.Contains(MeteorModule.Synonym) && synonyms is null)
            throw new SpotlightException("METEOR synonym module needs WordNet: set WordNetDirectory (e.g. /usr/share/wordnet from Debian's wordnet-base)");
        if (modules.Contains(MeteorModule.Paraphrase) && paraphrases is null)
            throw new SpotlightException("METEOR paraphrase module needs a paraphrase table: set ParaphraseFile");
        Modules = modules;
        weights = (options.ModuleWeights ?? modules.Select(MeteorOptions.DefaultWeight).ToList()).ToArray();
        aligner = new MeteorAligner(modules, options.BeamSize, synonyms, paraphrases,
            options.FunctionWords ?? MeteorResources.EnglishFunctionWords);
    }

    /// <summary>
    /// Scores a COCO-style set: <paramref name="references"/>[id] are an item's reference captions,
    /// <paramref name="hypotheses"/>[id] its one generated caption. Both must have the same ids.
    /// </summary>
    public MeteorResult Score(IReadOnlyDictionary<string, IReadOnlyList<string>> references,
        IReadOnlyDictionary<string, string> hypotheses)
    {
        if (references.Count != hypotheses.Count || references.Keys.Any(k => !hypotheses.ContainsKey(k)))
        {
            string missing = references.Keys.FirstOrDefault(k => !hypotheses.ContainsKey(k)) is { } r
                ? $"item '{r}' has references but no hypothesis"
                : $"item '{hypotheses.Keys.First(k => !references.ContainsKey(k))}' has a hypothesis but no references";
            throw new SpotlightException($"METEOR needs the same items in references and hypotheses: {missing}");
        }
        var items = references.ToArray();
        var empty = items.FirstOrDefault(p => p.Value.Count == 0);
        if (empty.Key is not null) throw new SpotlightException($"METEOR item '{empty.Key}' has no references");
        // Items are independent (the aligner's caches are concurrent and deterministic); the corpus statistics are
        // then summed in item order, so the result does not depend on the thread timing.
        var best = new MeteorStatistics[items.Length];
        Parallel.For(0, items.Length, i => best[i] = SegmentStatistics(hypotheses[items[i].Key], items[i].Value));
        var total = new MeteorStatistics(Modules.Count);
        var perItem = new Dictionary<string, double>(references.Count);
        for (int i = 0; i < items.Length; i++)
        {
            perItem[items[i].Key] = ScoreOf(best[i]).Score;
            total.Add(best[i]);
        }
        return new MeteorResult(ScoreOf(total).Score, perItem, Modules, total);
    }

    /// <summary>One hypothesis against its references: the best reference's statistics (METEOR's SCORE line).</summary>
    public MeteorStatistics SegmentStatistics(string hypothesis, IReadOnlyList<string> references)
    {
        // pycocoevalcap's meteor.py removes "|||" from the hypothesis and joins the SCORE line with " ||| ";
        // METEOR then splits on "|||" and trims each part, so a reference containing "|||" becomes two.
        var test = MeteorText.Tokenize(Prepare(hypothesis.Replace("|||", "").Replace("  ", " ")));
        MeteorStatistics? best = null;
        double bestScore = -1;
        foreach (var reference in references.SelectMany(r => r.Split("|||")))
        {
            var stats = MeteorStatistics.From(aligner.Align(test, MeteorText.Tokenize(Prepare(reference))));
            double score = ScoreOf(stats).Score;
            if (score > bestScore) { bestScore = score; best = stats; }
        }
        return best ?? throw new SpotlightException("METEOR needs at least one reference");
    }

    /// <summary>METEOR score, precision, recall and penalty of (segment or summed) statistics.</summary>
    public MeteorScoreParts ScoreOf(MeteorStatistics statistics) =>
        statistics.Score(options.Alpha, options.Beta, options.Gamma, options.Delta, weights);

    private string Prepare(string text)
    {
        text = MeteorText.JavaTrim(text);
        return options.Normalization switch
        {
            MeteorNormalization.None => text,
            MeteorNormalization.LowercaseOnly => SacreBleuText.Lower(text),   // Java's toLowerCase, like Python's
            MeteorNormalization.Normalize => SacreBleuText.Lower(MeteorNormalizer.Normalize(text)),
            MeteorNormalization.NormalizeNoPunctuation =>
                SacreBleuText.Lower(MeteorNormalizer.Normalize(text, keepPunctuation: false)),
            _ => throw new SpotlightException($"unknown METEOR normalization {options.Normalization}"),
        };
    }

    private static List<MeteorModule> DefaultModules(WordNetSynonyms? synonyms, ParaphraseTable? paraphrases)
    {
        var modules = new List<MeteorModule> { MeteorModule.Exact, MeteorModule.Stem };
        if (synonyms is not null) modules.Add(MeteorModule.Synonym);
        if (paraphrases is not null) modules.Add(MeteorModule.Paraphrase);
        return modules;
    }
}
