namespace Spotlight.Metrics;

/// <summary>
/// sacreBLEU's reference layout, shared by BLEU and chrF: references come as streams (one per reference set, each
/// aligned line by line with the hypotheses); a null entry means "this segment has no reference in this stream",
/// which turns the signature's <c>nrefs</c> into "var".
/// </summary>
internal static class SacreBleuReferences
{
    /// <summary>One list of references per segment, and the signature's nrefs value ("1", "2", ... or "var").</summary>
    public static (List<List<string>> PerSegment, string NRefs) Transpose(
        IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> streams)
    {
        if (hypotheses.Count == 0) throw new SpotlightException("no hypotheses to score");
        if (streams.Count == 0) throw new SpotlightException("no reference streams given");
        for (int i = 0; i < hypotheses.Count; i++)
            if (hypotheses[i] is null) throw new SpotlightException($"hypothesis {i + 1} is null");
        for (int s = 0; s < streams.Count; s++)
            if (streams[s].Count != hypotheses.Count)
                throw new SpotlightException(
                    $"reference stream {s + 1} has {streams[s].Count} lines but there are {hypotheses.Count} hypotheses");

        var perSegment = new List<List<string>>(hypotheses.Count);
        var counts = new HashSet<int>();
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var refs = new List<string>(streams.Count);
            foreach (var stream in streams)
                if (stream[i] is { } r) refs.Add(r);
            if (refs.Count == 0) throw new SpotlightException($"segment {i + 1} has no reference in any stream");
            counts.Add(refs.Count);
            perSegment.Add(refs);
        }
        return (perSegment, counts.Count == 1 ? counts.First().ToString() : "var");
    }

    /// <summary>Wraps one hypothesis' references as streams of one line each (sacreBLEU's sentence_score).</summary>
    public static IReadOnlyList<IReadOnlyList<string?>> SentenceStreams(IReadOnlyList<string> references) =>
        references.Select(r => (IReadOnlyList<string?>)new[] { r }).ToList();

    /// <summary>
    /// sacreBLEU's signature: nrefs first, the metric's own fields, version last; the short form uses the
    /// abbreviations sacreBLEU prints with <c>--short</c> (#, c, e, tok, s, nc, nw, v).
    /// </summary>
    public static string Signature(string nrefs, IEnumerable<(string Name, string Abbreviation, string Value)> fields,
        bool shortForm)
    {
        var parts = new List<string> { (shortForm ? "#" : "nrefs") + ":" + nrefs };
        parts.AddRange(fields.Select(f => (shortForm ? f.Abbreviation : f.Name) + ":" + f.Value));
        parts.Add((shortForm ? "v" : "version") + ":" + SacreBleu.MimickedVersion);
        return string.Join('|', parts);
    }
}
