using System.Diagnostics;
using System.Text.Json;
using Spotlight.Checkpoints;
using TorchSharp;

namespace Spotlight.Training;

/// <summary>How a run ended: its state, total training time (resumed time included) and why it stopped.</summary>
public sealed record TrainingOutcome(TrainingOutputs Paths, TrainingState State, TimeSpan Elapsed, string StopReason);

/// <summary>
/// The one training loop every task uses: seeding, output paths, elapsed time carried over a resume, step / epoch /
/// time budgets, checkpoints (every N steps and after each validation; checked against the run before any weight is
/// touched; the seed must match), mid-epoch resume, learning-rate schedules with warm-up, plateau cuts and early stop.
/// The task supplies its step, its validation and what identifies it (<see cref="ITrainingTask{TStep, TValidation}"/>).
/// </summary>
public sealed class TrainingLoop<TStep, TValidation>
{
    public const string ProgressEntry = "progress";
    public const string SeedEntry = "seed";

    private readonly TrainingLoopOptions options;
    private readonly ITrainingObserver<TStep, TValidation> observer;

    public TrainingLoop(TrainingLoopOptions options, ITrainingObserver<TStep, TValidation>? observer = null)
    {
        options.Validate();
        this.options = options;
        this.observer = observer ?? new Silent();
    }

    private sealed class Silent : ITrainingObserver<TStep, TValidation> { }

    /// <summary>
    /// Seeds libtorch, creates the task (so its initialisation follows the seed), resumes it from
    /// <paramref name="resumeFrom"/> when given, and trains until a budget ends.
    /// </summary>
    public TrainingOutcome Run(string modelPath, string? resumeFrom, Func<TrainingOutputs, ITrainingTask<TStep, TValidation>> createTask)
    {
        var paths = TrainingOutputs.For(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(paths.Best)!);
        torch.manual_seed(options.Seed);
        var task = createTask(paths);
        var state = resumeFrom is null ? TrainingState.Start : Resume(resumeFrom, task);
        // Parameter groups keep their ratio to the first one (e.g. fine-tuned encoder blocks at a tenth of the rate).
        var ratios = task.Optimizer.ParamGroups.Select(g => g.LearningRate / task.Optimizer.ParamGroups.First().LearningRate).ToArray();

        var clock = Stopwatch.StartNew();
        var before = TimeSpan.FromSeconds(state.ElapsedSeconds);
        TimeSpan Elapsed() => before + clock.Elapsed;
        TrainingOutcome Outcome(string reason) => new(paths, state, Elapsed(), reason);
        void Checkpoint() => SaveCheckpoint(paths.Checkpoint, task, state with { ElapsedSeconds = Elapsed().TotalSeconds });
        long stepsThisRun = 0;

        for (int epoch = state.Epoch; options.StepBased || epoch < options.Epochs; epoch++)
        {
            int batches = options.StepBased ? int.MaxValue : task.BatchesIn(epoch);
            bool outOfTime = false;
            task.Network.train();
            for (int batch = epoch == state.Epoch ? state.Batch : 0; batch < batches; batch++)
            {
                if (options.Steps is long total && state.Step >= total) break;
                double lr = options.Schedule.At(state.Step + 1, state.PlateauScale);
                int g = 0;
                foreach (var group in task.Optimizer.ParamGroups) group.LearningRate = lr * ratios[g++];
                var report = task.Step(new StepContext(epoch, batch, batches, state.Step + 1, lr, Elapsed()));
                state = state with { Epoch = epoch, Batch = batch + 1, Step = state.Step + 1 };
                observer.OnStep(report);
                stepsThisRun++;

                outOfTime = options.TimeBudget is TimeSpan budget && Elapsed() >= budget;
                bool validated = false;
                if (options.Steps is long steps && (state.Step % options.ValidateEvery == 0 || state.Step == steps || outOfTime))
                {
                    state = Validate(task, state, 0, Elapsed());
                    validated = true;
                    task.Network.train();
                }
                if (validated || (options.CheckpointEvery > 0 && state.Step % options.CheckpointEvery == 0)) Checkpoint();
                bool finished = options.Steps is long end && state.Step >= end;
                if (options.StopAfterSteps is int limit && stepsThisRun >= limit && !finished)
                {
                    Checkpoint();
                    return Outcome("stopped after the requested number of steps");
                }
                if (outOfTime) break;
            }
            if (options.StepBased)
                return Outcome(outOfTime && state.Step < options.Steps ? "time budget reached" : "all steps done");

            var position = (state.Epoch, state.Batch);
            state = Validate(task, state, epoch + 1, Elapsed());
            state = state with { Epoch = epoch + 1, Batch = 0 };
            // Stopped mid-epoch by the time budget: validated and saved, but a resume continues this epoch where it stopped.
            if (outOfTime && position.Epoch == epoch && position.Batch > 0 && position.Batch < batches)
                state = state with { Epoch = position.Epoch, Batch = position.Batch };
            Checkpoint();
            if (outOfTime) return Outcome("time budget reached");
            if (options.EarlyStopPatience > 0 && state.BadValidations >= options.EarlyStopPatience)
                return Outcome($"early stop: no better validation {task.ScoreName} for {state.BadValidations} validations");
        }
        return Outcome("all epochs done");
    }

    private TrainingState Validate(ITrainingTask<TStep, TValidation> task, TrainingState state, int epoch, TimeSpan elapsed)
    {
        double lr = options.Schedule.At(Math.Max(state.Step, 1), state.PlateauScale);
        bool IsBetter(double score, double tieBreak) => score > state.Best || (score == state.Best && tieBreak > state.BestTieBreak);
        var result = task.Validate(new ValidationContext(epoch, state.Step, lr, elapsed, state, IsBetter));
        if (result.Report is { } report) observer.OnValidation(report);
        if (result.Score is not double score) return state with { ElapsedSeconds = elapsed.TotalSeconds };

        int bad = result.IsBest ? 0 : state.BadValidations + 1;
        double scale = state.PlateauScale;
        if (!result.IsBest && options.Schedule.Kind == ScheduleKind.Plateau && bad % options.PlateauPatience == 0)
        {
            scale *= options.PlateauFactor;
            observer.OnMessage($"no better {task.ScoreName} for {bad} validation(s): learning rate now {options.Schedule.At(Math.Max(state.Step, 1), scale):g3}");
        }
        return state with
        {
            Best = result.IsBest ? score : state.Best, BestTieBreak = result.IsBest ? result.TieBreak : state.BestTieBreak,
            BadValidations = bad, PlateauScale = scale, ElapsedSeconds = elapsed.TotalSeconds,
        };
    }

    private void SaveCheckpoint(string path, ITrainingTask<TStep, TValidation> task, TrainingState state)
    {
        var entries = new Dictionary<string, string>(task.CheckpointEntries(), StringComparer.Ordinal)
        {
            [ProgressEntry] = state.ToJson(task.ProgressFields()).ToJsonString(),
            [SeedEntry] = options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        TrainingCheckpoint.Save(path, task.Network, task.Optimizer, entries);
        task.SaveExtra(path);
    }

    /// <summary>Checks the checkpoint against the run first (entries, seed, progress), and only then loads weights.</summary>
    private TrainingState Resume(string path, ITrainingTask<TStep, TValidation> task)
    {
        var (_, entries, _) = ModelFile.Inspect(path);
        task.CheckCheckpoint(path, entries);
        if (SeedOf(path, entries) is long seed && seed != options.Seed)
            throw new SpotlightException($"{path}: checkpoint was trained with --seed {seed}, not {options.Seed}");
        if (!entries.TryGetValue(ProgressEntry, out var json)) throw new SpotlightException($"{path}: checkpoint has no training progress");
        using var progress = Parse(path, json);
        var state = TrainingState.FromJson(path, progress.RootElement, options.Schedule.Peak);
        TrainingCheckpoint.Load(path, task.Network, task.Optimizer);
        task.RestoreProgress(progress.RootElement);
        task.LoadExtra(path);
        observer.OnMessage(options.StepBased
            ? $"resuming from {path} at step {state.Step}"
            : $"resuming from {path}: epoch {state.Epoch + 1}, step {state.Step}");
        return state;
    }

    /// <summary>The seed a checkpoint recorded: "seed" (and inpainting's before the shared loop), captioning's "options_seed", translation's "options".</summary>
    private static long? SeedOf(string path, IReadOnlyDictionary<string, string> entries)
    {
        if (entries.TryGetValue(SeedEntry, out var text) || entries.TryGetValue("options_seed", out text))
            return long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seed) ? seed
                : throw new SpotlightException($"{path}: checkpoint's seed '{text}' is not a number");
        if (entries.TryGetValue("options", out var optionsJson))
        {
            using var document = Parse(path, optionsJson);
            if (document.RootElement.TryGetProperty("Seed", out var s) && s.TryGetInt64(out var seed)) return seed;
        }
        return null;
    }

    private static JsonDocument Parse(string path, string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SpotlightException($"{path}: checkpoint entry is not valid JSON ({e.Message})");
        }
    }
}
