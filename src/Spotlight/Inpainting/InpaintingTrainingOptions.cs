namespace Spotlight.Inpainting;

/// <summary>How to train an inpainting network. Defaults suit 64×64 on a 2-core CPU.</summary>
public sealed record InpaintingTrainingOptions
{
    public int Steps { get; init; } = 20_000;
    public int BatchSize { get; init; } = 16;
    /// <summary>Adam with β = (0.5, 0.999), as PEN-Net; PEN-Net's 1e-4 is slow for CPU-sized runs.</summary>
    public double LearningRate { get; init; } = 5e-4;
    public double GradientClipNorm { get; init; } = 10;
    public long Seed { get; init; } = 1;
    /// <summary>Each sample's mask family is drawn from this list.</summary>
    public IReadOnlyList<MaskFamily> Masks { get; init; } = [MaskFamily.Centre, MaskFamily.Boxes, MaskFamily.Strokes];
    /// <summary>Mirror half the training images (deterministically from seed and step).</summary>
    public bool HorizontalFlip { get; init; } = true;
    public InpaintingLossWeights Loss { get; init; } = new();

    /// <summary>Score the validation images every this many steps (and at the end); the best PSNR is kept.</summary>
    public int ValidateEvery { get; init; } = 500;
    public int ValidationImages { get; init; } = 64;
    /// <summary>Write a resumable checkpoint every this many steps (and at every validation).</summary>
    public int CheckpointEvery { get; init; } = 250;
    public TimeSpan? TimeBudget { get; init; }
    /// <summary>Stop after this many steps in this process (to simulate an interruption).</summary>
    public int? StopAfterSteps { get; init; }
    /// <summary>Where to train: the CPU only for now (null = CPU); another device is refused with a clear message.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public TorchSharp.torch.Device? Device { get; init; }

    public void Validate()
    {
        if (Steps <= 0) throw new SpotlightException($"--steps must be positive, got {Steps}");
        if (BatchSize <= 0) throw new SpotlightException($"--batch-size must be positive, got {BatchSize}");
        if (!(LearningRate > 0)) throw new SpotlightException($"--lr must be positive, got {LearningRate}");
        if (ValidateEvery <= 0 || CheckpointEvery <= 0) throw new SpotlightException("validation and checkpoint intervals must be positive");
        if (Masks.Count == 0) throw new SpotlightException("at least one mask family is needed");
        Loss.Validate();
    }
}
