namespace Spotlight.Metrics;

/// <summary>
/// What to score with. References are tokenized in one batch and candidates in another, as the COCO code does;
/// <paramref name="Tokenizer"/> null means <see cref="CaptionTokenizers.Default"/>.
/// </summary>
public sealed record EvaluationOptions(IReadOnlyList<ICaptionMetric> Metrics, ICaptionTokenizer? Tokenizer = null, bool AllowMissing = false)
{
    public ICaptionTokenizer Tokenizer { get; init; } = Tokenizer ?? CaptionTokenizers.Default;
}

/// <summary>Corpus scores, per-item scores (indexed like <see cref="Items"/>), and the warnings raised on the way.</summary>
public sealed record EvaluationReport(
    IReadOnlyList<CaptionItem> Items,
    IReadOnlyList<string> MetricNames,
    IReadOnlyDictionary<string, double> Corpus,
    IReadOnlyDictionary<string, double[]> PerItem,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Scores results against references the way pycocoevalcap's COCOEvalCap does, with its silent failure modes
/// turned into one-line messages. Errors (SpotlightException): a result for an image not in the references; a
/// reference image without a result (unless AllowMissing, which scores the images that have one, as the COCO demo
/// does); an evaluated image with no reference caption; no results at all. Warnings: images left out by
/// AllowMissing, and captions that are empty (before or after tokenization) — these are scored as the Python code
/// scores them. Duplicate ids are rejected by the loaders.
/// </summary>
public static class CaptionEvaluator
{
    public static EvaluationReport Evaluate(ReferenceCaptions references, CandidateCaptions results, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        var warnings = new List<string>();
        if (results.Captions.Count == 0) throw new SpotlightException($"{results.Source}: no results to score");

        var candidates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, caption) in results.Captions) candidates[id] = caption;
        var unknown = results.Captions.Where(r => !references.Captions.ContainsKey(r.ImageId)).Select(r => r.ImageId).ToList();
        if (unknown.Count > 0)
            throw new SpotlightException($"{results.Source}: {unknown.Count} result image id(s) are not in {references.Source}: {Sample(unknown)}");

        var missing = references.ImageIds.Where(id => !candidates.ContainsKey(id)).ToList();
        if (missing.Count > 0 && !options.AllowMissing)
            throw new SpotlightException($"{results.Source}: {missing.Count} of {references.ImageIds.Count} reference images have no result ({Sample(missing)}); pass --allow-missing to score only the {candidates.Count} that do");
        if (missing.Count > 0)
            warnings.Add($"{missing.Count} of {references.ImageIds.Count} reference images have no result and are left out ({Sample(missing)})");

        var ids = references.ImageIds.Where(candidates.ContainsKey).ToList();
        var noRefs = ids.Where(id => references.Captions[id].Count == 0).ToList();
        if (noRefs.Count > 0)
            throw new SpotlightException($"{references.Source}: {noRefs.Count} evaluated image(s) have no reference caption: {Sample(noRefs)}");

        var rawRefs = ids.SelectMany(id => references.Captions[id]).ToList();
        var rawCands = ids.Select(id => candidates[id]).ToList();
        CountEmpty(warnings, rawRefs, "reference caption(s) are empty");
        CountEmpty(warnings, rawCands, "result caption(s) are empty");
        var tokRefs = options.Tokenizer.TokenizeBatch(rawRefs);
        var tokCands = options.Tokenizer.TokenizeBatch(rawCands);
        if (options.Tokenizer != CaptionTokenizers.None)
        {
            CountEmpty(warnings, tokRefs, "reference caption(s) are empty after tokenization", rawRefs);
            CountEmpty(warnings, tokCands, "result caption(s) are empty after tokenization", rawCands);
        }

        var items = new List<CaptionItem>(ids.Count);
        var next = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var count = references.Captions[ids[i]].Count;
            items.Add(new CaptionItem(ids[i], tokRefs.Skip(next).Take(count).ToArray(), tokCands[i]));
            next += count;
        }
        var set = new CaptionSet(items);
        var names = new List<string>();
        var corpus = new Dictionary<string, double>();
        var perItem = new Dictionary<string, double[]>();
        // The metrics only read the set, so they run side by side (METEOR, the slowest, also splits its items over
        // threads); the report keeps the order they were given in.
        var running = options.Metrics.Select(metric => Task.Run(() => metric.Score(set))).ToList();
        for (int m = 0; m < running.Count; m++)
        {
            var metric = options.Metrics[m];
            var scores = Await(running[m]);
            foreach (var name in metric.Names)
            {
                names.Add(name);
                corpus[name] = scores.Corpus[name];
                perItem[name] = scores.PerItem[name];
            }
        }
        return new EvaluationReport(items, names, corpus, perItem, warnings);
    }

    /// <summary>The task's result; its own exception (a SpotlightException stays one), not an AggregateException.</summary>
    private static T Await<T>(Task<T> task) => task.GetAwaiter().GetResult();

    /// <summary>Counts empty captions; with <paramref name="raw"/>, only those that were not already empty before.</summary>
    private static void CountEmpty(List<string> warnings, IReadOnlyList<string> captions, string what, IReadOnlyList<string>? raw = null)
    {
        var n = captions.Where((c, i) => string.IsNullOrWhiteSpace(c) && (raw == null || !string.IsNullOrWhiteSpace(raw[i]))).Count();
        if (n > 0) warnings.Add($"{n} {what}; scored as empty, as the COCO code does");
    }

    private static string Sample(IReadOnlyList<string> ids) =>
        string.Join(", ", ids.Take(5)) + (ids.Count > 5 ? $", … ({ids.Count - 5} more)" : "");
}
