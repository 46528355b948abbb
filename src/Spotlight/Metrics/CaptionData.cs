namespace Spotlight.Metrics;

/// <summary>Reference captions per image, in file order. Image ids are text: 42 and "42" name the same image.</summary>
public sealed record ReferenceCaptions(string Source, IReadOnlyList<string> ImageIds, IReadOnlyDictionary<string, IReadOnlyList<string>> Captions)
{
    /// <summary>Builds from (id, captions) pairs in order; ids must be distinct.</summary>
    public static ReferenceCaptions From(string source, IEnumerable<(string Id, IReadOnlyList<string> Captions)> images)
    {
        var ids = new List<string>();
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (id, captions) in images)
        {
            if (!map.TryAdd(id, captions)) throw new SpotlightException($"{source}: image id {id} appears more than once");
            ids.Add(id);
        }
        return new ReferenceCaptions(source, ids, map);
    }
}

/// <summary>One candidate caption per image, in file order.</summary>
public sealed record CandidateCaptions(string Source, IReadOnlyList<(string ImageId, string Caption)> Captions);
