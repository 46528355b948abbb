namespace Spotlight.Metrics;

/// <summary>METEOR's text preparation (<c>-norm</c>, <c>-lower</c>, <c>-noPunct</c> or none).</summary>
public enum MeteorNormalization
{
    /// <summary>Compare the text as given.</summary>
    None,
    /// <summary><c>-lower</c>: lower-case only.</summary>
    LowercaseOnly,
    /// <summary><c>-norm</c>: METEOR's tokenizer, then lower-case (what COCO's evaluation uses).</summary>
    Normalize,
    /// <summary><c>-norm -noPunct</c>: as <see cref="Normalize"/>, then delete punctuation.</summary>
    NormalizeNoPunctuation,
}

/// <summary>
/// METEOR 1.5 settings. The defaults are <c>-l en -norm</c> with the English "rank" task parameters
/// (α 0.85, β 0.20, γ 0.60, δ 0.75) and module weights exact 1.0, stem 0.6, synonym 0.8, paraphrase 0.6, as in
/// COCO's caption evaluation. The synonym module runs when <see cref="WordNetDirectory"/> (or a loaded
/// <see cref="WordNetSynonyms"/>) is given, the paraphrase module when <see cref="ParaphraseFile"/> (or a loaded
/// <see cref="ParaphraseTable"/>) is.
/// </summary>
public sealed record MeteorOptions(
    string? WordNetDirectory = null,                 // e.g. /usr/share/wordnet (Debian wordnet-base)
    string? ParaphraseFile = null,                   // METEOR-format table, e.g. paraphrase-en.gz
    IReadOnlyList<MeteorModule>? Modules = null,     // null: exact, stem, then synonym / paraphrase when available
    IReadOnlyList<double>? ModuleWeights = null,     // one per module; null: each module's English weight
    double Alpha = 0.85,                             // precision vs recall balance in F_mean
    double Beta = 0.20,                              // shape of the fragmentation penalty
    double Gamma = 0.60,                             // maximum fragmentation penalty
    double Delta = 0.75,                             // content vs function word weight
    MeteorNormalization Normalization = MeteorNormalization.Normalize,
    int BeamSize = 40,
    IReadOnlyCollection<string>? FunctionWords = null)   // null: METEOR's English list
{
    /// <summary>METEOR's English weight for a module (the "rank" task).</summary>
    public static double DefaultWeight(MeteorModule module) => module switch
    {
        MeteorModule.Exact => 1.0,
        MeteorModule.Stem => 0.6,
        MeteorModule.Synonym => 0.8,
        MeteorModule.Paraphrase => 0.6,
        _ => throw new SpotlightException($"unknown METEOR module {module}"),
    };

    public void Validate()
    {
        static void Unit(string name, double v)
        {
            if (!(v >= 0 && v <= 1)) throw new SpotlightException($"METEOR {name} must be in [0, 1], got {v}");
        }
        Unit("alpha", Alpha);
        Unit("gamma", Gamma);
        Unit("delta", Delta);
        if (!(Beta >= 0) || double.IsInfinity(Beta)) throw new SpotlightException($"METEOR beta must be >= 0, got {Beta}");
        if (BeamSize < 1) throw new SpotlightException($"METEOR beam size must be at least 1, got {BeamSize}");
        if (Modules is { } modules)
        {
            if (modules.Count == 0) throw new SpotlightException("METEOR needs at least one module");
            if (modules.Distinct().Count() != modules.Count)
                throw new SpotlightException($"METEOR modules repeat: {string.Join(' ', modules)}");
        }
        if (ModuleWeights is { } weights)
        {
            if (Modules is null)
                throw new SpotlightException("METEOR module weights need an explicit module list to pair with");
            if (weights.Count != Modules.Count)
                throw new SpotlightException(
                    $"METEOR has {Modules.Count} modules but {weights.Count} module weights");
            if (weights.Any(w => !(w >= 0) || double.IsInfinity(w)))
                throw new SpotlightException($"METEOR module weights must be finite and >= 0: {string.Join(' ', weights)}");
        }
    }
}
