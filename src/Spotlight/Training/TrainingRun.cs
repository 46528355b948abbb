using Spotlight.Checkpoints;

namespace Spotlight.Training;

/// <summary>
/// A training run with its outputs beside the model: the JSONL log (appended to when resuming) and, at the end, the
/// curves PNG drawn from the log's reports. A display (progress bar) is optional, so a library user gets the same
/// files as the command line.
/// </summary>
public static class TrainingRun
{
    public static TResult WithLog<TStep, TValidation, TResult>(string modelPath, bool resuming,
        Func<ITrainingObserver<TStep, TValidation>, TResult> train,
        Action<string, IReadOnlyList<TStep>, IReadOnlyList<TValidation>> writeCurves,
        ITrainingObserver<TStep, TValidation>? display = null)
        where TStep : IStepReport where TValidation : IValidationReport
    {
        var paths = TrainingOutputs.For(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(paths.Log)!);
        using var log = new JsonlTrainingLog<TStep, TValidation>(paths.Log, append: resuming);
        var result = train(display is null ? log : new ObserverFanOut<TStep, TValidation>(display, log));
        if (log.Steps.Count > 0) writeCurves(paths.Curves, log.Steps, log.Validations);
        return result;
    }
}
