using Spotlight.Training;

namespace Spotlight.Translation;

/// <summary>One optimizer step: loss per target subword (label-smoothed, and plain cross-entropy), throughput, rate.</summary>
public sealed record TranslationStepReport(int Epoch, int Batch, int BatchesPerEpoch, long Step, double Loss, double CrossEntropy,
    double TargetTokensPerSecond, double LearningRate, TimeSpan Elapsed) : IStepReport
{
    public TrainingPosition Position => new(Epoch, 0, Batch, BatchesPerEpoch);
    public string Summary => $"loss {Loss:F3} {TargetTokensPerSecond:F0} tok/s lr {LearningRate:g3}";

    public object LogLine() => new
    {
        type = "step", epoch = Epoch, batch = Batch, step = Step, loss = Loss, cross_entropy = CrossEntropy,
        target_tokens_per_second = TargetTokensPerSecond, lr = LearningRate, elapsed_seconds = Elapsed.TotalSeconds,
    };
}

/// <summary>One validation: sacreBLEU (13a, cased, detokenized) of decoded validation sentences.</summary>
public sealed record TranslationValidationReport(int Epoch, long Step, double Bleu, double ChrF, bool IsBest, double LearningRate,
    double SentencesPerSecond, TimeSpan Elapsed) : IValidationReport
{
    public string Summary => $"validation epoch {Epoch}: BLEU {Bleu:F2}  chrF2 {ChrF:F2}  ({SentencesPerSecond:F0} sentences/s)";

    public object LogLine() => new
    {
        type = "validation", epoch = Epoch, step = Step, bleu = Bleu, chrf = ChrF, best = IsBest, lr = LearningRate,
        sentences_per_second = SentencesPerSecond, elapsed_seconds = Elapsed.TotalSeconds,
    };
}

/// <summary>What a training run ended with.</summary>
public sealed record TranslationTrainingResult(string BestModelPath, string LastModelPath, string? AveragedModelPath,
    string CheckpointPath, int Epochs, long Steps, TimeSpan Elapsed, double BestBleu,
    IReadOnlyList<TranslationValidationReport> History, string StopReason);

/// <summary>The shared observer, named for translation's reports.</summary>
public interface ITranslationObserver : ITrainingObserver<TranslationStepReport, TranslationValidationReport>;

/// <summary>The shared JSONL log, for translation's reports.</summary>
public sealed class TranslationJsonlLog(string path, bool append)
    : JsonlTrainingLog<TranslationStepReport, TranslationValidationReport>(path, append), ITranslationObserver;

/// <summary>A PNG of the training loss per step and the validation BLEU and chrF2 per epoch, side by side.</summary>
public static class TranslationCurves
{
    public static void Write(string path, IReadOnlyList<TranslationStepReport> steps, IReadOnlyList<TranslationValidationReport> validations)
    {
        var stepX = steps.Select(s => (double)s.Step).ToArray();
        var epochX = validations.Select(v => (double)v.Epoch).ToArray();
        Spotlight.IO.CurvesPng.Write(path,
            new Spotlight.IO.CurvePanel("Training loss (per target subword)", "step",
            [
                new("label-smoothed", stepX, steps.Select(s => s.Loss).ToArray()),
                new("cross-entropy", stepX, steps.Select(s => s.CrossEntropy).ToArray()),
            ]),
            new Spotlight.IO.CurvePanel("Validation (decoded sentences)", "epoch",
            [
                new("BLEU", epochX, validations.Select(v => v.Bleu).ToArray()),
                new("chrF2", epochX, validations.Select(v => v.ChrF).ToArray()),
            ]));
    }
}
