using System.Text.Json;

namespace Spotlight.Captioning;

/// <summary>Appends one JSON line per step and per validation; survives a resume by appending to the same file.</summary>
public sealed class JsonlTrainingLog : ITrainingObserver, IDisposable
{
    private readonly StreamWriter writer;
    private readonly List<StepReport> steps = [];
    private readonly List<ValidationReport> validations = [];

    public JsonlTrainingLog(string path, bool append)
    {
        writer = new StreamWriter(path, append) { AutoFlush = true };
    }

    public IReadOnlyList<StepReport> Steps => steps;
    public IReadOnlyList<ValidationReport> Validations => validations;

    public void OnStep(StepReport r)
    {
        steps.Add(r);
        writer.WriteLine(JsonSerializer.Serialize(new
        {
            type = "step", epoch = r.Epoch, batch = r.Batch, step = r.Step, loss = r.Loss, cross_entropy = r.CrossEntropy,
            attention_penalty = r.AttentionPenalty, images_per_second = r.ImagesPerSecond, lr = r.LearningRate,
            elapsed_seconds = r.Elapsed.TotalSeconds, working_set_bytes = r.WorkingSetBytes,
        }));
    }

    public void OnValidation(ValidationReport r)
    {
        validations.Add(r);
        writer.WriteLine(JsonSerializer.Serialize(new
        {
            type = "validation", epoch = r.Epoch, step = r.Step, bleu4 = r.Bleu4, cider_d = r.CiderD, best = r.IsBest,
            lr = r.LearningRate, elapsed_seconds = r.Elapsed.TotalSeconds,
        }));
    }

    public void OnMessage(string message) =>
        writer.WriteLine(JsonSerializer.Serialize(new { type = "message", message }));

    public void Dispose() => writer.Dispose();
}

/// <summary>Fans one report out to several observers (progress bar + log).</summary>
public sealed class TrainingObservers(params ITrainingObserver[] observers) : ITrainingObserver
{
    public void OnStep(StepReport report) { foreach (var o in observers) o.OnStep(report); }
    public void OnValidation(ValidationReport report) { foreach (var o in observers) o.OnValidation(report); }
    public void OnMessage(string message) { foreach (var o in observers) o.OnMessage(message); }
}
