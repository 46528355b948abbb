using Spotlight.IO;
using Spotlight.Training;

namespace Spotlight.Vqa;

/// <summary>One VQA training step: loss and accuracy on the batch's questions.</summary>
public sealed record VqaStepReport(int Epoch, int Epochs, int Batch, int Batches, long Step, double Loss, double Accuracy,
    double QuestionsPerSecond, double LearningRate, TimeSpan Elapsed) : IStepReport
{
    public TrainingPosition Position => new(Epoch, Epochs, Batch, Batches);
    public string Summary => $"loss {Loss:F3} acc {Accuracy:P0} {QuestionsPerSecond:F0} q/s";

    public object LogLine() => new
    {
        type = "step", epoch = Epoch, batch = Batch, step = Step, loss = Loss, accuracy = Accuracy,
        questions_per_second = QuestionsPerSecond, lr = LearningRate, elapsed_s = Elapsed.TotalSeconds,
    };
}

/// <summary>Accuracy on the validation questions after an epoch (or at a time-budget stop).</summary>
public sealed record VqaValidationReport(int Epoch, long Step, double Accuracy, bool IsBest, TimeSpan Elapsed) : IValidationReport
{
    public string Summary => $"validation epoch {Epoch}: accuracy {Accuracy:P1}";

    public object LogLine() => new { type = "validation", epoch = Epoch, step = Step, accuracy = Accuracy, is_best = IsBest, elapsed_s = Elapsed.TotalSeconds };
}

/// <summary>What a run leaves behind.</summary>
public sealed record VqaTrainingResult(string BestModelPath, string LastModelPath, string CheckpointPath, int Epochs, long Steps,
    TimeSpan Elapsed, double BestAccuracy, string StopReason);

/// <summary>A PNG of the training loss and accuracy per step and the validation accuracy per epoch.</summary>
public static class VqaCurves
{
    public static void Write(string path, IReadOnlyList<VqaStepReport> steps, IReadOnlyList<VqaValidationReport> validations)
    {
        var x = steps.Select(s => (double)s.Step).ToArray();
        CurvesPng.Write(path,
            new CurvePanel("Training", "step",
            [
                new("loss", x, steps.Select(s => s.Loss).ToArray()),
                new("batch accuracy", x, steps.Select(s => s.Accuracy).ToArray()),
            ]),
            new CurvePanel("Validation", "epoch",
            [
                new("accuracy", validations.Select(v => (double)v.Epoch).ToArray(), validations.Select(v => v.Accuracy).ToArray()),
            ]));
    }
}
