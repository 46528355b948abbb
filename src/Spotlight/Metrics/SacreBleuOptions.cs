using System.Globalization;

namespace Spotlight.Metrics;

/// <summary>
/// How BLEU treats an n-gram order with no matches (Chen &amp; Cherry 2014, "A Systematic Comparison of Smoothing
/// Techniques for Sentence-Level BLEU").
/// </summary>
public enum SacreBleuSmoothing
{
    /// <summary><c>exp</c> (method 3, mteval's NIST smoothing): the k-th zero precision becomes 1 / (2^k · total).</summary>
    Exp,
    /// <summary><c>floor</c> (method 1): a zero precision becomes value / total (value 0.1 by default).</summary>
    Floor,
    /// <summary><c>add-k</c> (method 2): adds value (1 by default) to matches and totals of orders 2 and up.</summary>
    AddK,
    /// <summary><c>none</c>: a zero precision makes the score 0.</summary>
    None,
}

/// <summary>
/// sacreBLEU's BLEU settings. The defaults are sacreBLEU 2.x's corpus defaults (13a, exp, mixed case, no effective
/// order). For sentence-level BLEU sacreBLEU recommends <see cref="EffectiveOrder"/> = true; see <see cref="Sentence"/>.
/// </summary>
public sealed record SacreBleuOptions(
    SacreBleuTokenizer Tokenizer = SacreBleuTokenizer.Tok13a,
    SacreBleuSmoothing Smoothing = SacreBleuSmoothing.Exp,
    double? SmoothValue = null,        // floor / add-k value; null means the method's default (0.1 / 1)
    bool Lowercase = false,
    bool EffectiveOrder = false,       // average only the orders that have any hypothesis n-grams
    int MaxNgramOrder = 4)
{
    /// <summary>sacreBLEU's <c>sentence_bleu</c> defaults: effective order on.</summary>
    public static SacreBleuOptions Sentence => new(EffectiveOrder: true);

    /// <summary>The value the smoothing method uses: <see cref="SmoothValue"/> or the method's default.</summary>
    public double ResolvedSmoothValue => SmoothValue ?? DefaultSmoothValue(Smoothing) ?? 0.0;

    /// <summary>sacreBLEU's defaults: floor 0.1, add-k 1; exp and none take no value.</summary>
    public static double? DefaultSmoothValue(SacreBleuSmoothing smoothing) => smoothing switch
    {
        SacreBleuSmoothing.Floor => 0.1,
        SacreBleuSmoothing.AddK => 1.0,
        _ => null,
    };

    /// <summary>The <c>smooth:</c> field of the signature, e.g. "exp" or "floor[0.10]".</summary>
    public string SmoothingSignature
    {
        get
        {
            string name = SmoothingName(Smoothing);
            if (DefaultSmoothValue(Smoothing) is null) return name;
            return name + "[" + ResolvedSmoothValue.ToString("F2", CultureInfo.InvariantCulture) + "]";
        }
    }

    /// <summary>The method's name as sacreBLEU spells it.</summary>
    public static string SmoothingName(SacreBleuSmoothing smoothing) => smoothing switch
    {
        SacreBleuSmoothing.Exp => "exp",
        SacreBleuSmoothing.Floor => "floor",
        SacreBleuSmoothing.AddK => "add-k",
        SacreBleuSmoothing.None => "none",
        _ => throw new SpotlightException($"unknown smoothing method {smoothing}"),
    };

    /// <summary>Parses a <c>--smooth-method</c> value: exp, floor, add-k or none.</summary>
    public static SacreBleuSmoothing ParseSmoothing(string name) => name.Trim().ToLowerInvariant() switch
    {
        "exp" => SacreBleuSmoothing.Exp,
        "floor" => SacreBleuSmoothing.Floor,
        "add-k" => SacreBleuSmoothing.AddK,
        "none" => SacreBleuSmoothing.None,
        _ => throw new SpotlightException($"unknown smoothing method '{name}': expected exp, floor, add-k or none"),
    };

    public void Validate()
    {
        if (MaxNgramOrder < 1)
            throw new SpotlightException($"BLEU max n-gram order must be at least 1, got {MaxNgramOrder}");
        if (SmoothValue is { } v && (double.IsNaN(v) || double.IsInfinity(v) || v < 0))
            throw new SpotlightException($"BLEU smoothing value must be a finite number >= 0, got {v}");
        _ = SmoothingName(Smoothing);
        _ = SacreBleuTokenizers.SignatureName(Tokenizer);
    }
}
