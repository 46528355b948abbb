namespace Spotlight.Training;

/// <summary>What every step report gives the shared progress display and log.</summary>
public interface IStepReport
{
    long Step { get; }
    TimeSpan Elapsed { get; }
    /// <summary>Where the step is: "epoch 3/30 batch 17/469" or "step 120/20000", for a progress display.</summary>
    TrainingPosition Position { get; }
    /// <summary>One short line: loss and throughput ("loss 3.214 120 img/s").</summary>
    string Summary { get; }
    /// <summary>The JSON object of this step's log line (each task keeps the fields its users read).</summary>
    object LogLine();
}

/// <summary>What every validation report gives the shared progress display and log.</summary>
public interface IValidationReport
{
    bool IsBest { get; }
    /// <summary>One short line ("validation epoch 2: BLEU-4 0.213  CIDEr-D 0.512").</summary>
    string Summary { get; }
    object LogLine();
}

/// <param name="Epoch">1-based; 0 for step-based tasks</param>
/// <param name="Epochs">planned epochs (0: step-based)</param>
/// <param name="Unit">1-based batch within the epoch, or the step of a step-based task</param>
/// <param name="Units">batches in the epoch, or the planned steps</param>
public readonly record struct TrainingPosition(int Epoch, int Epochs, long Unit, long Units);

/// <summary>
/// Hooks a training run reports to (progress display, JSONL log, a test's recorder); the loop knows none of them.
/// Every method is optional.
/// </summary>
public interface ITrainingObserver<in TStep, in TValidation>
{
    void OnStep(TStep report) { }
    void OnValidation(TValidation report) { }
    void OnMessage(string message) { }
}

/// <summary>Fans reports out to several observers.</summary>
public sealed class ObserverFanOut<TStep, TValidation>(params ITrainingObserver<TStep, TValidation>[] observers) : ITrainingObserver<TStep, TValidation>
{
    public void OnStep(TStep report) { foreach (var o in observers) o.OnStep(report); }
    public void OnValidation(TValidation report) { foreach (var o in observers) o.OnValidation(report); }
    public void OnMessage(string message) { foreach (var o in observers) o.OnMessage(message); }
}
