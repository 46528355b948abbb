using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Training;

/// <summary>
/// What a task writes for the shared <see cref="TrainingLoop{TStep, TValidation}"/>: its network and optimizer, one
/// training step, one validation (which also saves the best and last model files), and the checkpoint entries that say
/// what it was trained on. Budgets, schedules, checkpoints, resume, plateau and early stop are the loop's.
/// </summary>
public interface ITrainingTask<TStep, TValidation>
{
    nn.Module Network { get; }
    optim.Optimizer Optimizer { get; }

    /// <summary>"CIDEr-D", "BLEU", "PSNR": the validation score's name, for messages.</summary>
    string ScoreName { get; }

    /// <summary>Batches in an epoch (epoch-based runs; step-based tasks may return 0).</summary>
    int BatchesIn(int epoch);

    /// <summary>One optimizer step (inside its own dispose scope) at the rate the loop has already set.</summary>
    TStep Step(StepContext context);

    /// <summary>Scores the model, builds the report (the loop tells it whether the score is the best so far) and saves best/last.</summary>
    Validated<TValidation> Validate(ValidationContext context);

    /// <summary>Entries that identify what the run trains (vocabulary, configuration, …): saved in each checkpoint, and
    /// checked against a checkpoint before any of its weights are loaded.</summary>
    IReadOnlyDictionary<string, string> CheckpointEntries();

    /// <summary>Throws a one-line SpotlightException when <paramref name="entries"/> (a checkpoint's) do not fit this run.</summary>
    void CheckCheckpoint(string path, IReadOnlyDictionary<string, string> entries);

    /// <summary>Task fields saved in the checkpoint's progress object (validation history, …).</summary>
    IReadOnlyDictionary<string, JsonNode?> ProgressFields() => new Dictionary<string, JsonNode?>();

    /// <summary>Restores the task's fields from a checkpoint's progress object.</summary>
    void RestoreProgress(JsonElement progress) { }

    /// <summary>Extra state kept beside the checkpoint (e.g. a GAN's discriminator): written after it, loaded after it.</summary>
    void SaveExtra(string checkpoint) { }
    void LoadExtra(string checkpoint) { }
}

/// <param name="Epoch">0-based</param>
/// <param name="Batch">0-based index within the epoch</param>
/// <param name="Step">the step about to be taken, 1-based</param>
public readonly record struct StepContext(int Epoch, int Batch, int BatchesInEpoch, long Step, double LearningRate, TimeSpan Elapsed);

/// <param name="Epoch">epochs completed, as reports count them (1-based); 0 for step-based runs</param>
/// <param name="IsBetter">whether a (score, tie-break) beats the best so far</param>
public sealed record ValidationContext(int Epoch, long Step, double LearningRate, TimeSpan Elapsed, TrainingState State,
    Func<double, double, bool> IsBetter);

/// <param name="Score">null: nothing to validate on (the last model is then also the best)</param>
public readonly record struct Validated<TValidation>(TValidation? Report, double? Score, double TieBreak, bool IsBest);

/// <summary>The check most tasks make of a checkpoint's entries before resuming.</summary>
public static class CheckpointEntries
{
    /// <summary>
    /// Every expected entry must be in the checkpoint with the same text; the first that is not is one line, which names
    /// the fields that differ when the entry is a JSON object (a config), so a user sees which option to change.
    /// </summary>
    public static void RequireSame(string path, IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> saved)
    {
        foreach (var (name, value) in expected)
            if (!saved.TryGetValue(name, out var text) || text != value)
                throw new SpotlightException($"{path}: checkpoint does not fit this run (its {name.Replace('_', ' ')} differs{FieldsThatDiffer(text, value)})");
    }

    private static string FieldsThatDiffer(string? saved, string expected)
    {
        JsonObject? a = null, b = null;
        try { a = saved is null ? null : JsonNode.Parse(saved) as JsonObject; b = JsonNode.Parse(expected) as JsonObject; }
        catch (JsonException) { }
        if (a is null || b is null) return "";
        static string Show(JsonNode? node)
        {
            var text = node?.ToJsonString() ?? "not set";
            return text.Length > 40 ? text[..37] + "..." : text;
        }
        var fields = a.Select(p => p.Key).Union(b.Select(p => p.Key))
            .Where(key => !JsonNode.DeepEquals(a[key], b[key]))
            .Select(key => $"{key}: checkpoint {Show(a[key])}, this run {Show(b[key])}").ToList();
        return fields.Count == 0 ? "" : ": " + string.Join("; ", fields.Take(3)) + (fields.Count > 3 ? $"; {fields.Count - 3} more" : "");
    }
}
