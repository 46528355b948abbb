namespace Spotlight.Vqa;

/// <param name="BatchImages">images per batch; each comes with all its questions (about five on the synthetic set)</param>
/// <param name="ValidationQuestions">validate on at most this many questions (the first ones of the split)</param>
public sealed record VqaTrainingOptions(
    int Epochs = 30, int BatchImages = 32, double LearningRate = 1e-3, long Seed = 1, TimeSpan? TimeBudget = null,
    int ValidationQuestions = 2000, double GradientClipNorm = 5, int CheckpointEvery = 0, int? StopAfterSteps = null,
    int EarlyStopPatience = 0, int WarmupSteps = 0)
{
    /// <summary>The pretrained encoder's weights (from <c>spotlight weights import</c>), when the config has one.</summary>
    public string? EncoderWeights { get; init; }

    /// <summary>A folder where the frozen encoder's region features are kept between runs (the captioner's feature cache).</summary>
    public string? FeatureCache { get; init; }

    /// <summary>Halve the rate after this many validations without a better accuracy.</summary>
    public int PlateauPatience { get; init; } = 2;

    /// <summary>Answers given fewer times than this in training are not classes (1: every answer; VQA v2: 9).</summary>
    public int MinAnswerCount { get; init; } = 1;

    public void Validate()
    {
        if (Epochs <= 0) throw new SpotlightException($"--epochs must be positive, got {Epochs}");
        if (BatchImages <= 0) throw new SpotlightException($"--batch-size must be positive, got {BatchImages}");
        if (!(LearningRate > 0)) throw new SpotlightException($"--lr must be positive, got {LearningRate}");
        if (MinAnswerCount < 1) throw new SpotlightException($"--min-answer-count must be at least 1, got {MinAnswerCount}");
        if (ValidationQuestions <= 0) throw new SpotlightException($"validation needs at least one question, got {ValidationQuestions}");
        if (!(GradientClipNorm > 0)) throw new SpotlightException($"the gradient clip norm must be positive, got {GradientClipNorm}");
        if (PlateauPatience < 1) throw new SpotlightException($"--plateau-patience must be at least 1, got {PlateauPatience}");
    }
}
