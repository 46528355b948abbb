using System.Text.Json.Serialization;
using Spotlight.Training;

namespace Spotlight.Translation;

/// <summary>How to train a translator. Defaults suit Multi30k-sized data on a CPU.</summary>
public sealed record TranslationTrainingOptions
{
    public int Epochs { get; init; } = 20;
    /// <summary>Batches hold at most this many padded subwords (rows × longest side) ...</summary>
    public int MaxTokens { get; init; } = 4096;
    /// <summary>... and at most this many sentence pairs.</summary>
    public int MaxSentences { get; init; } = 128;
    /// <summary>Peak learning rate of Adam (β = 0.9, 0.98 as in Vaswani et al.).</summary>
    public double LearningRate { get; init; } = 1e-3;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.InverseSqrt;
    /// <summary>Linear warm-up from 0 over this many steps (all schedules; 0 = none).</summary>
    public int WarmupSteps { get; init; } = 1000;
    /// <summary>Plateau schedule: multiply the rate by PlateauFactor after PlateauPatience validations without a better BLEU.</summary>
    public int PlateauPatience { get; init; } = 1;
    public double PlateauFactor { get; init; } = 0.5;
    /// <summary>Label smoothing ε (Szegedy et al. 2016): the target distribution puts ε on the other subwords.</summary>
    public double LabelSmoothing { get; init; } = 0.1;
    public double GradientClipNorm { get; init; } = 1.0;
    public long Seed { get; init; } = 1;

    /// <summary>Validation decodes with this beam (1 = greedy) and scores sacreBLEU.</summary>
    public int ValidationBeam { get; init; } = 1;
    /// <summary>Translate at most this many validation sentences per validation (0 = all).</summary>
    public int ValidationSentences { get; init; } = 0;
    /// <summary>Stop after this many validations without a better BLEU (0 = never).</summary>
    public int EarlyStopPatience { get; init; } = 0;
    /// <summary>Keep the models of the last N epochs and write their average (Vaswani et al. §6.1); 0 or 1 = off.</summary>
    public int AverageLast { get; init; } = 0;

    /// <summary>Write a resumable checkpoint every this many steps (and at each epoch end); 0 = epoch ends only.</summary>
    public int CheckpointEvery { get; init; } = 0;
    /// <summary>Wall-clock budget for the whole run, resumed time included; null = none.</summary>
    public TimeSpan? TimeBudget { get; init; }
    /// <summary>Stop after this many optimizer steps in this process (simulates an interruption in tests).</summary>
    public int? StopAfterSteps { get; init; }
    /// <summary>Where to train; null = CPU.</summary>
    [JsonIgnore] public TorchSharp.torch.Device? Device { get; init; }

    /// <summary>The learning rate at each step: <see cref="Schedule"/> with warm-up, peaking at <see cref="LearningRate"/>.</summary>
    [JsonIgnore] public LearningRateSchedule LearningRates => new(LearningRate, Schedule, WarmupSteps);

    public void Validate()
    {
        Require(Epochs > 0, $"--epochs must be positive, got {Epochs}");
        Require(MaxTokens > 0 && MaxSentences > 0, $"--max-tokens and --max-sentences must be positive, got {MaxTokens} and {MaxSentences}");
        Require(LearningRate > 0, $"--lr must be positive, got {LearningRate}");
        Require(WarmupSteps >= 0, $"--warmup must be ≥ 0, got {WarmupSteps}");
        Require(PlateauPatience > 0 && PlateauFactor > 0 && PlateauFactor < 1, $"plateau patience must be positive and factor in (0, 1), got {PlateauPatience}, {PlateauFactor}");
        Require(LabelSmoothing >= 0 && LabelSmoothing < 1, $"--label-smoothing must be in [0, 1), got {LabelSmoothing}");
        Require(GradientClipNorm > 0, $"--clip must be positive, got {GradientClipNorm}");
        Require(ValidationBeam >= 1 && ValidationSentences >= 0, $"validation beam must be ≥ 1 and sentences ≥ 0, got {ValidationBeam}, {ValidationSentences}");
        Require(EarlyStopPatience >= 0 && AverageLast >= 0 && CheckpointEvery >= 0, "patience, --average-last and --checkpoint-every must be ≥ 0");
    }

    private static void Require(bool ok, string problem)
    {
        if (!ok) throw new SpotlightException(problem);
    }
}
