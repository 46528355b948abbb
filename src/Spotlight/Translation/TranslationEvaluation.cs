using System.Diagnostics;
using Spotlight.Metrics;

namespace Spotlight.Translation;

/// <summary>
/// Scores of a translator on a test set.
/// <list type="bullet">
/// <item><c>Bleu</c>: sacreBLEU's default — 13a tokenization, cased, detokenized output, exp smoothing — with its signature;</item>
/// <item><c>ChrF</c>: sacreBLEU's chrF2;</item>
/// <item><c>LowercaseTokenizedBleu</c>: BLEU on lower-cased 13a tokens without smoothing, the way tutorials report it
/// (multi-bleu.perl / torchtext bleu_score on tokenized lower-case text); comparable with them, not with papers
/// that use sacreBLEU.</item>
/// </list>
/// </summary>
public sealed record TranslationScores(SacreBleuResult Bleu, ChrFResult ChrF, SacreBleuResult LowercaseTokenizedBleu,
    int Sentences, double SentencesPerSecond);

public static class TranslationEvaluation
{
    public static readonly SacreBleuOptions TutorialBleu = new(Lowercase: true, Smoothing: SacreBleuSmoothing.None);

    /// <summary>Translates every source and scores the best hypotheses against one reference each.</summary>
    public static (TranslationScores Scores, IReadOnlyList<TranslationResult> Translations) Evaluate(
        Translator translator, IReadOnlyList<string> sources, IReadOnlyList<string> references, TranslateOptions options)
    {
        if (sources.Count != references.Count)
            throw new SpotlightException($"{sources.Count} source sentences but {references.Count} references; they must be line-aligned");
        var clock = Stopwatch.StartNew();
        var translations = translator.Translate(sources, options);
        double seconds = clock.Elapsed.TotalSeconds;
        var hypotheses = translations.Select(t => t.Best.Text).ToList();
        return (Score(hypotheses, references, seconds), translations);
    }

    /// <summary>Scores detokenized hypotheses against references.</summary>
    public static TranslationScores Score(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references, double seconds = 0)
    {
        var streams = new IReadOnlyList<string?>[] { references.ToList<string?>() };
        return new TranslationScores(
            SacreBleu.Corpus(hypotheses, streams),
            ChrF.Corpus(hypotheses, streams),
            SacreBleu.Corpus(hypotheses, streams, TutorialBleu),
            hypotheses.Count,
            seconds > 0 ? hypotheses.Count / seconds : 0);
    }
}
