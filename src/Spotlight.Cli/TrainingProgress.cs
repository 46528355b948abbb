using Spectre.Console;
using Spotlight.Training;

namespace Spotlight.Cli;

/// <summary>
/// The progress display of every training command: a bar per epoch (or one for a step-based run) with the step's
/// summary, a line per validation and per message.
/// </summary>
public sealed class TrainingProgress<TStep, TValidation>(ProgressContext context, int epochs) : ITrainingObserver<TStep, TValidation>
    where TStep : IStepReport where TValidation : IValidationReport
{
    private ProgressTask? task;
    private int epoch = -1;

    public void OnStep(TStep r)
    {
        var at = r.Position;
        if (at.Epoch != epoch || task is null)
        {
            task?.StopTask();
            epoch = at.Epoch;
            task = context.AddTask(at.Epoch > 0 ? $"epoch {at.Epoch}/{epochs}" : "training", maxValue: at.Units);
        }
        task.Value = at.Unit;
        task.Description = Markup.Escape(at.Epoch > 0
            ? $"epoch {at.Epoch}/{epochs} step {r.Step} {r.Summary}"
            : $"step {r.Step}/{at.Units} {r.Summary}");
    }

    public void OnValidation(TValidation r) => AnsiConsole.MarkupLine($"  {Markup.Escape(r.Summary)}{(r.IsBest ? "  [green]best[/]" : "")}");

    public void OnMessage(string message) => AnsiConsole.MarkupLine($"  {Markup.Escape(message)}");
}

public static class TrainingProgress
{
    /// <summary>Runs <paramref name="body"/> inside a progress display with the columns a training run needs.</summary>
    public static T Run<TStep, TValidation, T>(int epochs, Func<TrainingProgress<TStep, TValidation>, T> body)
        where TStep : IStepReport where TValidation : IValidationReport =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => body(new TrainingProgress<TStep, TValidation>(ctx, epochs)));
}
