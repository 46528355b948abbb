namespace Spotlight.Captioning;

public enum OptimizerKind { Adam, RmsProp }

/// <summary>How to train a captioner. Defaults suit the synthetic scenes on a 2-core CPU.</summary>
public sealed record CaptionTrainingOptions
{
    /// <summary>The CLI's warm-up for a Transformer decoder when none is given (about three epochs of the synthetic scenes).</summary>
    public const int TransformerWarmupSteps = 200;
    /// <summary>The CLI's label smoothing for a Transformer decoder when none is given (Vaswani et al. 2017, §5.4).</summary>
    public const double TransformerLabelSmoothing = 0.1;

    /// <summary>The CLI's learning rate for self-critical training when none is given (self-critical.pytorch's 5e-5).</summary>
    public const double SelfCriticalLearningRate = 5e-5;

    public int Epochs { get; init; } = 30;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Linear warm-up of the learning rate from 0 over this many steps (0 = none).</summary>
    public int WarmupSteps { get; init; }
    /// <summary>
    /// How the learning rate moves after warm-up (null: by decoder — Plateau for LSTM/GRU, halving on a validation
    /// plateau; InverseSqrt for the Transformer, peak · √(warm-up / step)).
    /// </summary>
    public Training.ScheduleKind? Schedule { get; init; }
    /// <summary>ε of label smoothing in the cross-entropy (0 = none); the logged cross-entropy is then the smoothed one.</summary>
    public double LabelSmoothing { get; init; }
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double GradientClipNorm { get; init; } = 5.0;
    public long Seed { get; init; } = 1;

    /// <summary>Validation generates captions with this beam and scores them; it never uses teacher forcing.</summary>
    public int ValidationBeam { get; init; } = 3;
    /// <summary>Tokenizer of the validation scores (null: the library's default; the CLI passes the exact PTB one).</summary>
    public Metrics.ICaptionTokenizer? ScoringTokenizer { get; init; }
    /// <summary>Caption at most this many validation images per epoch (0 = all) to bound validation time.</summary>
    public int ValidationImages { get; init; } = 0;
    /// <summary>Halve (× <see cref="PlateauFactor"/>) the learning rate after this many epochs without a better score.</summary>
    public int PlateauPatience { get; init; } = 2;
    public double PlateauFactor { get; init; } = 0.5;
    /// <summary>Stop after this many epochs without a better validation score.</summary>
    public int EarlyStopPatience { get; init; } = 6;

    /// <summary>Wall-clock budget for the whole run (the demo's --minutes); null = no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }
    /// <summary>Write a resumable checkpoint every this many steps (and at each epoch end); 0 = epoch ends only.</summary>
    public int CheckpointEvery { get; init; } = 0;
    /// <summary>Where to train: the CPU only for now (null = CPU); another device is refused with a clear message.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public TorchSharp.torch.Device? Device { get; init; }
    /// <summary>Stop after this many optimizer steps in this process (to simulate an interruption in tests).</summary>
    public int? StopAfterSteps { get; init; }
    /// <summary>One caption per image per epoch (more frequent validation) or every caption.</summary>
    public Data.CaptionSampling Sampling { get; init; } = Data.CaptionSampling.OneCaptionPerImage;
    /// <summary>Words seen fewer times than this in the training captions become &lt;unk&gt;.</summary>
    public int MinWordCount { get; init; } = 1;

    /// <summary>Word vectors in the GloVe/word2vec text format that start the word embeddings (<see cref="Lab.PretrainedVectors"/>);
    /// vocabulary words not in the file keep their random start.</summary>
    public string? InitEmbeddings { get; init; }

    /// <summary>
    /// A captioner file to start from: its vocabulary, architecture and weights (encoder included) replace a fresh
    /// model's, so the configuration passed to the trainer is not used. Self-critical training needs one.
    /// </summary>
    public string? InitModel { get; init; }
    /// <summary>Self-critical sequence training instead of cross-entropy (needs <see cref="InitModel"/>).</summary>
    public SelfCriticalOptions? SelfCritical { get; init; }

    /// <summary>Encoder file (from <c>spotlight weights import</c>) whose weights start a pretrained encoder.</summary>
    public string? EncoderWeights { get; init; }
    /// <summary>Folder of cached region features for a frozen pretrained encoder (<see cref="Vision.Encoders.FeatureCache"/>).</summary>
    public string? FeatureCache { get; init; }

    /// <summary>The engine of a frozen ResNet encoder while caching and validating (<see cref="Captioner.EncoderRuntime"/>).</summary>
    public InferenceRuntime EncoderRuntime { get; init; } = InferenceRuntime.OnnxRuntime;
    /// <summary>Fine-tuned encoder blocks learn at this fraction of the decoder's learning rate.</summary>
    public double EncoderLearningRateFactor { get; init; } = 0.1;

    public void Validate()
    {
        if (Epochs <= 0) throw new SpotlightException($"--epochs must be positive, got {Epochs}");
        if (BatchSize <= 0) throw new SpotlightException($"--batch-size must be positive, got {BatchSize}");
        if (LearningRate <= 0 || double.IsNaN(LearningRate)) throw new SpotlightException($"--lr must be positive, got {LearningRate}");
        if (ValidationBeam <= 0) throw new SpotlightException($"validation beam must be positive, got {ValidationBeam}");
        if (GradientClipNorm <= 0) throw new SpotlightException("gradient clip norm must be positive");
        if (WarmupSteps < 0) throw new SpotlightException($"--warmup must be ≥ 0, got {WarmupSteps}");
        if (LabelSmoothing is < 0 or >= 1 || double.IsNaN(LabelSmoothing)) throw new SpotlightException($"--label-smoothing must be in [0, 1), got {LabelSmoothing}");
        if (Schedule == Training.ScheduleKind.Cosine) throw new SpotlightException("captioning has no cosine schedule (it needs a known number of steps)");
        SelfCritical?.Validate();
        if (SelfCritical is not null && InitModel is null)
            throw new SpotlightException("self-critical training starts from a trained captioner: give it with --init MODEL.spotlight");
        if (InitModel is not null && InitEmbeddings is not null)
            throw new SpotlightException("--init-embeddings cannot be used with --init: the model file already has its word embeddings");
        if (InitModel is not null && EncoderWeights is not null)
            throw new SpotlightException("--encoder-weights cannot be used with --init: the model file already holds its encoder");
        if (!(EncoderLearningRateFactor > 0)) throw new SpotlightException($"encoder learning-rate factor must be positive, got {EncoderLearningRateFactor}");
    }
}
