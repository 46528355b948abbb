using Spotlight.Onnx;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Spotlight.Captioning.Data;
using Spotlight.Checkpoints;
using Spotlight.IO;
using Spotlight.Metrics;
using Spotlight.Training;
using Spotlight.Transformer;
using Spotlight.Vision.Encoders;
using Spotlight.Vision.Encoders.Onnx;

namespace Spotlight.Captioning;

/// <summary>
/// Settings of <c>spotlight recipe flickr8k</c>: the real-photo result in one command. <c>Encoder</c> is "resnet18"
/// (the ImageNet ResNet-18 that comes with Spotlight from NuGet) or an encoder file from <c>spotlight weights import</c>.
/// <c>Minutes</c> bounds cross-entropy training; <c>SelfCriticalMinutes</c> (null: none) the self-critical stage.
/// </summary>
public sealed record CaptionRecipeOptions(string Data, string OutputDirectory, string Encoder = "resnet18")
{
    public DecoderCellKind Decoder { get; init; } = DecoderCellKind.Lstm;
    public double Minutes { get; init; } = 75;
    public double? SelfCriticalMinutes { get; init; }
    public long Seed { get; init; } = 1;
    public string? Format { get; init; }
    public string? Images { get; init; }
    public int Beam { get; init; } = 3;
    public int ReportImages { get; init; } = 10;
    /// <summary>Tokenizer of every score (validation, reward, test); null: the library's default. The CLI passes PTB.</summary>
    public ICaptionTokenizer? Tokenizer { get; init; }

    public void Validate()
    {
        if (!(Minutes > 0)) throw new SpotlightException($"--minutes must be positive, got {Minutes}");
        if (SelfCriticalMinutes is double m && !(m > 0)) throw new SpotlightException($"--scst-minutes must be positive, got {m}");
        if (Decoder == DecoderCellKind.Gru) throw new SpotlightException("the recipe trains an lstm or a transformer decoder");
        if (Beam < 1) throw new SpotlightException($"--beam must be at least 1, got {Beam}");
    }
}

/// <summary>What the recipe measured: the test scores of each stage's best model, and where everything is.</summary>
public sealed record CaptionRecipeResult(string ResultsPath, string ReportPath, string ModelPath,
    CaptionScores CrossEntropyTest, CaptionScores? SelfCriticalTest);

/// <summary>
/// Import the encoder → cache its features → cross-entropy training → optional self-critical training → test split
/// with beam search → report page → results JSON (every metric, the encoder, the settings, the commit). Each stage
/// leaves its files in the output folder; run again, the recipe skips finished stages and resumes an interrupted
/// training from its checkpoint. The settings are the measured ones of docs/results.md.
/// </summary>
public static class CaptionRecipe
{
    /// <summary>The cross-entropy captioner of the recipe (sizes measured on Flickr8k; see docs/results.md).</summary>
    public static CaptionerConfig CrossEntropyConfig(DecoderCellKind decoder) => decoder == DecoderCellKind.Transformer
        ? new CaptionerConfig(VocabSize: 5, Cell: DecoderCellKind.Transformer, DoublyStochasticLambda: 0f,
            Transformer: new TransformerCaptionConfig(ModelDim: 256, Heads: 4, FeedForwardDim: 1024, Layers: 3, Dropout: 0.1f))
        : new CaptionerConfig(VocabSize: 5, EmbedDim: 256, DecoderDim: 512, AttentionDim: 256, Dropout: 0.5f);

    public static CaptionTrainingOptions CrossEntropyOptions(DecoderCellKind decoder) => new()
    {
        Epochs = 30, BatchSize = 64, LearningRate = 1e-3, Sampling = CaptionSampling.EveryCaption, MinWordCount = 5,
        ValidationImages = 500,
        WarmupSteps = decoder == DecoderCellKind.Transformer ? 800 : 0,
        LabelSmoothing = decoder == DecoderCellKind.Transformer ? CaptionTrainingOptions.TransformerLabelSmoothing : 0,
    };

    public static CaptionTrainingOptions SelfCriticalTrainingOptions => new()
    {
        Epochs = 30, BatchSize = 32, LearningRate = CaptionTrainingOptions.SelfCriticalLearningRate, ValidationImages = 500,
        SelfCritical = new SelfCriticalOptions(),
    };

    public static CaptionRecipeResult Run(CaptionRecipeOptions options, Action<string> message,
        ITrainingObserver<StepReport, ValidationReport>? display = null)
    {
        options.Validate();
        var total = Stopwatch.StartNew();
        var output = Directory.CreateDirectory(options.OutputDirectory).FullName;
        string At(string name) => Path.Combine(output, name);
        var dataset = CaptionDataset.Load(options.Data, options.Images, options.Format);
        foreach (var warning in dataset.Warnings) message(warning);
        var test = dataset.Split("test").Images;
        if (test.Count == 0) throw new SpotlightException($"{dataset.Source}: the test split is empty");

        var encoder = Encoder(options.Encoder, At("encoder.spotlight"), message);
        var features = At("features");

        // Cross-entropy, then (optionally) self-critical training from its best model.
        var xeOptions = CrossEntropyOptions(options.Decoder) with
        {
            Seed = options.Seed, TimeBudget = TimeSpan.FromMinutes(options.Minutes), ScoringTokenizer = options.Tokenizer,
            EncoderWeights = encoder.Path, FeatureCache = features,
        };
        var xeConfig = CrossEntropyConfig(options.Decoder) with { Pretrained = new PretrainedEncoderConfig(encoder.Description.Arch, encoder.Description.Alpha) };
        var xe = Stage(At("xe.spotlight"), "cross-entropy training", message, (path, resume) =>
            CaptionTrainer.TrainWithLog(dataset, xeConfig, xeOptions, path, resume, display));
        StageSummary? scst = null;
        CaptionTrainingOptions? scstOptions = null;
        if (options.SelfCriticalMinutes is double scstMinutes)
        {
            scstOptions = SelfCriticalTrainingOptions with
            {
                Seed = options.Seed, TimeBudget = TimeSpan.FromMinutes(scstMinutes), ScoringTokenizer = options.Tokenizer,
                InitModel = xe.BestModel, FeatureCache = features,
            };
            scst = Stage(At("scst.spotlight"), "self-critical training", message, (path, resume) =>
                CaptionTrainer.TrainWithLog(dataset, xeConfig, scstOptions, path, resume, display));
        }

        // The test split, beam search, every metric; the report shows the final model's attention.
        var decode = new CaptionOptions(Beam: options.Beam);
        CaptionEvaluationReport Evaluate(string model, string what)
        {
            message($"{what}: captioning {test.Count} test images with beam {options.Beam}");
            using var captioner = CaptionModel.Load(model);
            return CaptionEvaluation.Evaluate(captioner, test, decode, objects: null, tokenizer: options.Tokenizer);
        }
        var xeTest = Evaluate(xe.BestModel, "cross-entropy model");
        var scstTest = scst is null ? null : Evaluate(scst.BestModel, "self-critical model");
        var final = scstTest ?? xeTest;
        var finalModel = scst?.BestModel ?? xe.BestModel;
        var report = AttentionReport.Write(At("report"),
            [.. final.Captions.Take(options.ReportImages).Select(c => new AttentionReportItem(c.Image.ImagePath, c.Result, c.Image.Captions))],
            $"{Path.GetFileName(finalModel)} on {dataset.Source}, test split, beam {options.Beam}");

        var results = new
        {
            recipe = "flickr8k",
            spotlight = Runtime.RuntimeInfo.VersionOf(typeof(CaptionRecipe).Assembly),
            commit = Runtime.RuntimeInfo.SourceRevision(typeof(CaptionRecipe).Assembly),
            data = dataset.Source,
            splits = new { train = dataset.Split("train").Images.Count, val = dataset.Split("val").Images.Count, test = test.Count },
            encoder = new
            {
                name = EncoderWeights.Name(encoder.Description.Arch, encoder.Description.Alpha), arch = encoder.Description.Arch,
                source = encoder.Description.Source, source_sha256 = encoder.Description.SourceSha256, package = encoder.Description.Package,
            },
            decoder = options.Decoder.ToString().ToLowerInvariant(),
            tokenizer = (options.Tokenizer ?? CaptionTokenizers.Default).Name,
            beam = options.Beam,
            seed = options.Seed,
            // The trained model's own config (its vocabulary size included), as its model file holds it.
            settings = new { cross_entropy = Settings(CaptionModel.InspectConfig(xe.BestModel), xeOptions), self_critical = scstOptions is null ? null : Settings(null, scstOptions) },
            training = new { cross_entropy = xe, self_critical = scst },
            test = new { cross_entropy = Scores(xeTest.Scores), self_critical = scstTest is null ? null : Scores(scstTest.Scores) },
            model = finalModel,
            report,
            total_seconds = total.Elapsed.TotalSeconds,
        };
        var resultsPath = At("results.json");
        AtomicFile.WriteAllBytes(resultsPath, Encoding.UTF8.GetBytes(FiniteJson.Serialize(results)));
        return new CaptionRecipeResult(resultsPath, report, finalModel, xeTest.Scores, scstTest?.Scores);
    }

    /// <summary>A training stage's outcome, as results.json records it (and as its ".done.json" marker keeps it).</summary>
    public sealed record StageSummary(string BestModel, int Epochs, long Steps, double Minutes, double BestValidationCiderD, string StopReason);

    /// <summary>Runs a training stage unless its marker says it finished; an interrupted one resumes from its checkpoint.</summary>
    private static StageSummary Stage(string modelPath, string what, Action<string> message, Func<string, string?, CaptionTrainingResult> train)
    {
        var marker = Path.ChangeExtension(modelPath, ".done.json");
        if (File.Exists(marker))
        {
            var done = JsonSerializer.Deserialize<StageSummary>(File.ReadAllText(marker))
                ?? throw new SpotlightException($"{marker}: empty stage record; delete it to run {what} again");
            if (File.Exists(done.BestModel))
            {
                message($"{what}: done before ({marker}); delete that file to run it again");
                return done;
            }
        }
        var checkpoint = TrainingOutputs.For(modelPath).Checkpoint;
        string? resume = File.Exists(checkpoint) ? checkpoint : null;
        message(resume is null ? $"{what}: starting" : $"{what}: resuming from {checkpoint}");
        var result = train(modelPath, resume);
        var summary = new StageSummary(result.BestModelPath, result.EpochsCompleted, result.Steps, result.Elapsed.TotalMinutes, result.BestScore, result.StopReason);
        AtomicFile.WriteAllBytes(marker, JsonSerializer.SerializeToUtf8Bytes(summary));
        return summary;
    }

    /// <summary>"resnet18": imported once from the package's ONNX file into the output folder; otherwise an encoder file.</summary>
    private static (string Path, EncoderWeights.Description Description) Encoder(string encoder, string imported, Action<string> message)
    {
        if (!string.Equals(encoder, "resnet18", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(encoder)) throw new SpotlightException($"{encoder}: no such encoder file (give resnet18 or a file from `spotlight weights import`)");
            return (encoder, EncoderWeights.Describe(encoder));
        }
        var onnx = CntkResNet18.FindInOutput() ?? throw new SpotlightException(
            $"{Path.Combine(AppContext.BaseDirectory, CntkResNet18.RelativePath)}: not found (it comes with the build from NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18)");
        if (File.Exists(imported) && EncoderWeights.Describe(imported) is var done && done.SourceSha256 == OnnxFile.Sha256(onnx))
            return (imported, done);
        message($"importing the ResNet-18 encoder from {onnx}");
        return (imported, EncoderWeights.Import(onnx, imported));
    }

    private static object Settings(CaptionerConfig? config, CaptionTrainingOptions o) => new
    {
        config = config is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(config, CaptionModel.Json),
        epochs = o.Epochs, batch_size = o.BatchSize, lr = o.LearningRate, warmup = o.WarmupSteps, label_smoothing = o.LabelSmoothing,
        sampling = o.Sampling.ToString(), min_word_count = o.MinWordCount, validation_images = o.ValidationImages,
        minutes = o.TimeBudget?.TotalMinutes, self_critical = o.SelfCritical is { } s ? new { samples = s.Samples, baseline = s.Baseline.ToString() } : null,
    };

    private static object Scores(CaptionScores s) => new
    {
        bleu1 = s.Bleu1, bleu2 = s.Bleu2, bleu3 = s.Bleu3, bleu4 = s.Bleu4, meteor = s.Meteor, rouge_l = s.RougeL, cider_d = s.CiderD,
        bad_endings = s.Faults.BadEndings, repetitions = s.Faults.Repetitions, images = s.Images,
    };
}
