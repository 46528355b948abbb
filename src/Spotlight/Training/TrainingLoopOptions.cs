using static TorchSharp.torch;

namespace Spotlight.Training;

/// <summary>
/// The budgets and rules of a run that every task shares. A run is epoch-based (<see cref="Epochs"/>; validation at
/// each epoch end) or step-based (<see cref="Steps"/>; validation every <see cref="ValidateEvery"/> steps and at the
/// end). Whichever budget ends first stops it; a time-budget stop validates and checkpoints first, and a resume
/// continues from the same batch.
/// </summary>
public sealed record TrainingLoopOptions
{
    public int Epochs { get; init; } = 1;
    /// <summary>Step-based runs: the run's length in optimizer steps (then <see cref="Epochs"/> is not used).</summary>
    public long? Steps { get; init; }
    /// <summary>Step-based runs: validate every this many steps (and at the end).</summary>
    public int ValidateEvery { get; init; }
    /// <summary>Also write a resumable checkpoint every this many steps (one is written after every validation); 0 = none.</summary>
    public int CheckpointEvery { get; init; }
    /// <summary>Wall-clock budget for the whole run, resumed time included; null = none.</summary>
    public TimeSpan? TimeBudget { get; init; }
    /// <summary>Stop after this many optimizer steps in this process, with a checkpoint (to simulate an interruption).</summary>
    public int? StopAfterSteps { get; init; }
    /// <summary>Seeds initialisation and data order; a checkpoint records it and a resume with another seed is refused.</summary>
    public long Seed { get; init; } = 1;
    public LearningRateSchedule Schedule { get; init; } = new(1e-3);
    /// <summary>Plateau schedule: multiply the rate by <see cref="PlateauFactor"/> after this many validations without a better score.</summary>
    public int PlateauPatience { get; init; } = 2;
    public double PlateauFactor { get; init; } = 0.5;
    /// <summary>Stop after this many validations without a better score; 0 = never.</summary>
    public int EarlyStopPatience { get; init; }
    /// <summary>Where the task trains; null = CPU.</summary>
    public Device? Device { get; init; }

    public bool StepBased => Steps is not null;

    public void Validate()
    {
        if (Steps is null && Epochs <= 0) throw new SpotlightException($"--epochs must be positive, got {Epochs}");
        if (Steps is <= 0) throw new SpotlightException($"--steps must be positive, got {Steps}");
        if (Steps is not null && ValidateEvery <= 0) throw new SpotlightException($"the validation interval must be positive, got {ValidateEvery}");
        if (CheckpointEvery < 0) throw new SpotlightException($"--checkpoint-every must be ≥ 0, got {CheckpointEvery}");
        if (StopAfterSteps is <= 0) throw new SpotlightException($"the step limit must be positive, got {StopAfterSteps}");
        if (PlateauPatience <= 0 || PlateauFactor is <= 0 or >= 1)
            throw new SpotlightException($"plateau patience must be positive and factor in (0, 1), got {PlateauPatience}, {PlateauFactor}");
        if (EarlyStopPatience < 0) throw new SpotlightException($"early-stop patience must be ≥ 0, got {EarlyStopPatience}");
        Schedule.Validate();
    }
}
