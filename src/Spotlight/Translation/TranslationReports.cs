using System.Text.Json;

namespace Spotlight.Translation;

/// <summary>One optimizer step: loss per target subword (label-smoothed, and plain cross-entropy), throughput, rate.</summary>
public sealed record TranslationStepReport(int Epoch, int Batch, int BatchesPerEpoch, long Step, double Loss, double CrossEntropy,
    double TargetTokensPerSecond, double LearningRate, TimeSpan Elapsed);

/// <summary>One validation: sacreBLEU (13a, cased, detokenized) of decoded validation sentences.</summary>
public sealed record TranslationValidationReport(int Epoch, long Step, double Bleu, double ChrF, bool IsBest, double LearningRate,
    double SentencesPerSecond, TimeSpan Elapsed);

/// <summary>What a training run ended with.</summary>
public sealed record TranslationTrainingResult(string BestModelPath, string LastModelPath, string? AveragedModelPath,
    string CheckpointPath, int Epochs, long Steps, TimeSpan Elapsed, double BestBleu,
    IReadOnlyList<TranslationValidationReport> History, string StopReason);

/// <summary>Hooks a training run reports to (progress bar, log); every method is optional.</summary>
public interface ITranslationObserver
{
    void OnStep(TranslationStepReport report) { }
    void OnValidation(TranslationValidationReport report) { }
    void OnMessage(string message) { }
}

/// <summary>Fans reports out to several observers.</summary>
public sealed class TranslationObservers(params ITranslationObserver[] observers) : ITranslationObserver
{
    public void OnStep(TranslationStepReport report) { foreach (var o in observers) o.OnStep(report); }
    public void OnValidation(TranslationValidationReport report) { foreach (var o in observers) o.OnValidation(report); }
    public void OnMessage(string message) { foreach (var o in observers) o.OnMessage(message); }
}

/// <summary>Appends one JSON line per step, validation and message; a resumed run appends to the same file.</summary>
public sealed class TranslationJsonlLog(string path, bool append) : ITranslationObserver, IDisposable
{
    private readonly StreamWriter writer = new(path, append) { AutoFlush = true };

    public void OnStep(TranslationStepReport r) => writer.WriteLine(JsonSerializer.Serialize(new
    {
        type = "step", epoch = r.Epoch, batch = r.Batch, step = r.Step, loss = r.Loss, cross_entropy = r.CrossEntropy,
        target_tokens_per_second = r.TargetTokensPerSecond, lr = r.LearningRate, elapsed_seconds = r.Elapsed.TotalSeconds,
    }));

    public void OnValidation(TranslationValidationReport r) => writer.WriteLine(JsonSerializer.Serialize(new
    {
        type = "validation", epoch = r.Epoch, step = r.Step, bleu = r.Bleu, chrf = r.ChrF, best = r.IsBest, lr = r.LearningRate,
        sentences_per_second = r.SentencesPerSecond, elapsed_seconds = r.Elapsed.TotalSeconds,
    }));

    public void OnMessage(string message) => writer.WriteLine(JsonSerializer.Serialize(new { type = "message", message }));

    public void Dispose() => writer.Dispose();
}
