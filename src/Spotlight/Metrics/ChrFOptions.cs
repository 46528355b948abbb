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
