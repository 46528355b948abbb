namespace Spotlight.Training;

/// <summary>
/// The settings every training command shares: where the model goes (its log, checkpoint and curves go beside it),
/// the seed, the checkpoint to resume from, the time budget, the peak learning rate and the batch size (for tasks that batch by count). The CLI's
/// shared training options map onto it; each task's options record takes its values.
/// </summary>
public sealed record TrainingRunSettings(string ModelPath, long Seed, string? Resume, double? Minutes, double LearningRate, int? BatchSize)
{
    public TimeSpan? TimeBudget => Minutes is double m ? TimeSpan.FromMinutes(m) : null;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new SpotlightException("--out needs a model file path");
        if (Minutes is double m && !(m > 0)) throw new SpotlightException($"--minutes must be positive, got {m}");
        if (!(LearningRate > 0)) throw new SpotlightException($"--lr must be positive, got {LearningRate}");
        if (BatchSize is <= 0) throw new SpotlightException($"--batch-size must be positive, got {BatchSize}");
    }
}
