namespace Spotlight.Metrics;

/// <summary>
/// A chrF score (percent, 0..100) with its name ("chrF2", "chrF2++"), the summed statistics (hypothesis, reference
/// and matched n-gram counts for each order: character orders first, then word orders) and sacreBLEU's signature.
/// </summary>
public sealed record ChrFResult(
    double Score,
    string Name,
    IReadOnlyList<long> Statistics,     // [hyp, ref, match] per order, flattened
    string Signature,                   // e.g. nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0
    string ShortSignature)
{
    /// <summary>sacreBLEU's one-line report, e.g. <c>chrF2|nrefs:1|...|version:2.6.0 = 59.73</c>.</summary>
    public string Format(int width = 2) =>
        $"{Name}|{Signature} = {Score.ToString("F" + width, System.Globalization.CultureInfo.InvariantCulture)}";

    public override string ToString() => Format();
}
