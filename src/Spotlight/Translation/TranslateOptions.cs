using Spotlight.Decoding;

namespace Spotlight.Translation;

/// <summary>
/// How to decode. Beam 1 is greedy. Each sentence may produce at most MaxLengthFactor × (source subwords) +
/// MaxLengthOffset target subwords (counting &lt;end&gt;), capped at MaxLength. Sentences are decoded BatchSize at a
/// time, grouped by length.
/// </summary>
public sealed record TranslateOptions(
    int Beam = 5,
    int NBest = 1,
    LengthPenaltyKind LengthPenalty = LengthPenaltyKind.Gnmt,
    double LengthAlpha = 0.6,
    double CoverageBeta = 0.0,
    int NoRepeatNgram = 0,
    double MaxLengthFactor = 1.5,
    int MaxLengthOffset = 10,
    int MaxLength = 250,
    int BatchSize = 32)
{
    /// <summary>Greedy, no length penalty: what training validation and the fast tests use.</summary>
    public static TranslateOptions Greedy => new(Beam: 1, LengthPenalty: LengthPenaltyKind.None, LengthAlpha: 0);

    public void Validate()
    {
        if (Beam < 1) throw new SpotlightException($"--beam must be ≥ 1, got {Beam}");
        if (NBest < 1 || NBest > Beam) throw new SpotlightException($"--nbest must be between 1 and the beam ({Beam}), got {NBest}");
        if (!(MaxLengthFactor > 0)) throw new SpotlightException($"max length factor must be positive, got {MaxLengthFactor}");
        if (MaxLengthOffset < 0 || MaxLength < 1) throw new SpotlightException($"max length offset must be ≥ 0 and max length ≥ 1, got {MaxLengthOffset} and {MaxLength}");
        if (BatchSize < 1) throw new SpotlightException($"--batch-size must be ≥ 1, got {BatchSize}");
    }
}

/// <summary>One translation of a sentence: the detokenized text, its subwords and their scores.</summary>
/// <param name="Text">The translation as plain text.</param>
/// <param name="Pieces">Target subwords (▁ marks a space before), without &lt;end&gt;.</param>
/// <param name="Ids">Target subword ids, without &lt;end&gt;.</param>
/// <param name="LogProb">Sum of the log-probabilities, &lt;end&gt; included when finished.</param>
/// <param name="Score">LogProb after the length and coverage penalties (what the beam ranked by).</param>
/// <param name="Finished">False when cut off at the maximum length.</param>
/// <param name="Attention">Per target subword (&lt;end&gt; included when finished), the weights over
/// <see cref="TranslationResult.SourcePieces"/>; null for a model without attention.</param>
public sealed record TranslationHypothesis(string Text, IReadOnlyList<string> Pieces, int[] Ids, double LogProb, double Score,
    bool Finished, float[][]? Attention);

/// <summary>A source sentence, its subwords as the model saw them (ending in &lt;end&gt;), and its n-best translations.</summary>
public sealed record TranslationResult(string Source, IReadOnlyList<string> SourcePieces, IReadOnlyList<TranslationHypothesis> Hypotheses)
{
    public TranslationHypothesis Best => Hypotheses[0];
}
