namespace Spotlight.Metrics;

/// <summary>One image to score: its references and the candidate caption, already tokenized (words joined by spaces).</summary>
public sealed record CaptionItem(string Id, IReadOnlyList<string> References, string Candidate);

/// <summary>
/// The images a metric scores, in a fixed order: per-item scores come back in this order. Corpus-level statistics
/// (CIDEr's document frequencies, BLEU's corpus lengths) are taken over exactly these items, as in pycocoevalcap.
/// </summary>
public sealed class CaptionSet
{
    public CaptionSet(IReadOnlyList<CaptionItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
            if (item.References.Count == 0)
                throw new ArgumentException($"image {item.Id} has no reference captions", nameof(items));
        Items = items;
    }

    public IReadOnlyList<CaptionItem> Items { get; }

    public int Count => Items.Count;

    /// <summary>References by image id, for metrics written against dictionaries (such as METEOR's wrapper).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ReferencesById() =>
        Items.ToDictionary(i => i.Id, i => i.References, StringComparer.Ordinal);

    /// <summary>Candidates by image id.</summary>
    public IReadOnlyDictionary<string, string> CandidatesById() =>
        Items.ToDictionary(i => i.Id, i => i.Candidate, StringComparer.Ordinal);
}
