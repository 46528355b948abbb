using System.Text.Json;

namespace Spotlight.Training;

/// <summary>
/// The run's log: one JSON line per step, validation and message (each report writes its own fields); a resumed run
/// appends to the same file. It also keeps the reports of this process, for the curves.
/// </summary>
public class JsonlTrainingLog<TStep, TValidation> : ITrainingObserver<TStep, TValidation>, IDisposable
    where TStep : IStepReport where TValidation : IValidationReport
{
    private readonly StreamWriter writer;

    public JsonlTrainingLog(string path, bool append)
    {
        writer = new StreamWriter(path, append) { AutoFlush = true };
    }

    public List<TStep> Steps { get; } = [];
    public List<TValidation> Validations { get; } = [];

    public void OnStep(TStep report)
    {
        Steps.Add(report);
        writer.WriteLine(JsonSerializer.Serialize(report.LogLine()));
    }

    public void OnValidation(TValidation report)
    {
        Validations.Add(report);
        writer.WriteLine(JsonSerializer.Serialize(report.LogLine()));
    }

    public void OnMessage(string message) => writer.WriteLine(JsonSerializer.Serialize(new { type = "message", message }));

    public void Dispose()
    {
        writer.Dispose();
        GC.SuppressFinalize(this);
    }
}
