namespace Spotlight.Metrics;

/// <summary>
/// chrF settings as sacreBLEU 2.x names them. The defaults are chrF2 (Popović 2015: character 1..6-grams, β = 2);
/// <see cref="ChrFPlusPlus"/> adds word 1..2-grams (Popović 2017).
/// </summary>
public sealed record ChrFOptions(
    int CharOrder = 6,
    int WordOrder = 0,
    int Beta = 2,                  // recall is weighted β times as much as precision
    bool Lowercase = false,
    bool Whitespace = false,       // keep spaces inside character n-grams (sacreBLEU removes them by default)
    bool EpsSmoothing = false)     // chrF++.py / NLTK / Moses style; false = sacreBLEU's effective-order average
{
    /// <summary>chrF++: chrF2 plus word unigrams and bigrams.</summary>
    public static ChrFOptions ChrFPlusPlus => new(WordOrder: 2);

    public void Validate()
    {
        if (CharOrder < 0) throw new SpotlightException($"chrF character order must be >= 0, got {CharOrder}");
        if (WordOrder < 0) throw new SpotlightException($"chrF word order must be >= 0, got {WordOrder}");
        if (CharOrder + WordOrder == 0)
            throw new SpotlightException("chrF needs a character or word n-gram order above 0");
        if (Beta < 0) throw new SpotlightException($"chrF beta must be >= 0, got {Beta}");
    }
}

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
