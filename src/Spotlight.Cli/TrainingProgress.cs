using Spectre.Console;
using Spotlight.Captioning;

namespace Spotlight.Cli;

/// <summary>Spectre.Console progress bar for a training run: epoch, step, loss, images/s, ETA.</summary>
public sealed class TrainingProgress : ITrainingObserver
{
    private readonly ProgressContext context;
    private ProgressTask? task;
    private int epoch = -1;
    private readonly int epochs;

    public TrainingProgress(ProgressContext context, int epochs)
    {
        this.context = context;
        this.epochs = epochs;
    }

    public void OnStep(StepReport r)
    {
        if (r.Epoch != epoch || task is null)
        {
            task?.StopTask();
            epoch = r.Epoch;
            task = context.AddTask($"epoch {r.Epoch}/{epochs}", maxValue: r.BatchesPerEpoch);
        }
        task.Value = r.Batch;
        task.Description = $"epoch {r.Epoch}/{epochs} step {r.Step} loss {r.Loss:F3} {r.ImagesPerSecond:F0} img/s";
    }

    public void OnValidation(ValidationReport r) =>
        AnsiConsole.MarkupLine($"  validation epoch {r.Epoch}: BLEU-4 {r.Bleu4:F3}  CIDEr-D {r.CiderD:F3}{(r.IsBest ? "  [green]best[/]" : "")}");

    public void OnMessage(string message) => AnsiConsole.MarkupLine($"  {Markup.Escape(message)}");

    /// <summary>Runs <paramref name="body"/> inside a progress display with the columns a training run needs.</summary>
    public static T Run<T>(int epochs, Func<TrainingProgress, T> body) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => body(new TrainingProgress(ctx, epochs)));
}
