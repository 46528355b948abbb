using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spotlight.Captioning.Data;
using Spotlight.Checkpoints;
using Spotlight.Text;
using Spotlight.Training;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>
/// Trains a Show-Attend-Tell captioner on the shared <see cref="TrainingLoop{TStep, TValidation}"/>: batch → forward →
/// loss → backward → clip → step; validation by generating captions (best = highest CIDEr-D), learning-rate decay on
/// plateau, early stopping, best/last model files and resumable checkpoints.
/// </summary>
public sealed class CaptionTrainer
{
    private readonly CaptionDataset dataset;
    private readonly CaptionerConfig configTemplate;
    private readonly CaptionTrainingOptions options;
    private readonly ITrainingObserver<StepReport, ValidationReport>? observer;

    public CaptionTrainer(CaptionDataset dataset, CaptionerConfig configTemplate, CaptionTrainingOptions options,
        ITrainingObserver<StepReport, ValidationReport>? observer = null)
    {
        options.Validate();
        if (options.Device is { } device && device.type != DeviceType.CPU)
            throw new SpotlightException($"captioners train on the CPU only (asked for {device.type.ToString().ToLowerInvariant()})");
        this.dataset = dataset;
        this.configTemplate = configTemplate;
        this.options = options;
        this.observer = observer;
    }

    private void Message(string message) => observer?.OnMessage(message);

    private TrainingLoopOptions LoopOptions => new()
    {
        Epochs = options.Epochs, CheckpointEvery = options.CheckpointEvery, TimeBudget = options.TimeBudget,
        StopAfterSteps = options.StopAfterSteps, Seed = options.Seed,
        Schedule = new LearningRateSchedule(options.LearningRate, ScheduleFor(options, configTemplate), options.WarmupSteps),
        PlateauPatience = options.PlateauPatience, PlateauFactor = options.PlateauFactor,
        EarlyStopPatience = options.EarlyStopPatience, Device = options.Device,
    };

    /// <summary>The schedule asked for, or the decoder's usual one: plateau halving for LSTM/GRU, inverse-sqrt for the Transformer.</summary>
    public static ScheduleKind ScheduleFor(CaptionTrainingOptions options, CaptionerConfig config) =>
        options.Schedule ?? (config.Cell == DecoderCellKind.Transformer && options.SelfCritical is null ? ScheduleKind.InverseSqrt : ScheduleKind.Plateau);

    /// <summary>
    /// Trains with the run's JSONL log and curves PNG beside the model (<see cref="TrainingOutputs"/>) and an optional
    /// display: what <c>spotlight train</c> and the demo do.
    /// </summary>
    public static CaptionTrainingResult TrainWithLog(CaptionDataset dataset, CaptionerConfig config, CaptionTrainingOptions options,
        string modelPath, string? resumeFrom = null, ITrainingObserver<StepReport, ValidationReport>? display = null) =>
        TrainingRun.WithLog(modelPath, resumeFrom is not null,
            observer => new CaptionTrainer(dataset, config, options, observer).Train(modelPath, resumeFrom), TrainingCurves.Write, display);

    public CaptionTrainingResult Train(string modelPath, string? resumeFrom = null)
    {
        IReadOnlyList<CaptionImage> train = dataset.Split("train").Images;
        var allValidation = dataset.Split("val").Images;
        if (train.Count == 0) throw new SpotlightException($"{dataset.Source}: the training split is empty");
        if (allValidation.Count == 0) throw new SpotlightException($"{dataset.Source}: the validation split is empty");
        Task? task = null;
        try
        {
            var run = new TrainingLoop<StepReport, ValidationReport>(LoopOptions, observer)
                .Run(modelPath, resumeFrom, paths => task = new Task(this, paths, train, allValidation));
            return new CaptionTrainingResult(run.Paths.Best, run.Paths.Last, run.Paths.Checkpoint, run.State.Epoch, run.State.Step,
                run.Elapsed, run.State.Best, task!.History, run.StopReason);
        }
        finally
        {
            task?.Dispose();
        }
    }

    /// <summary>Captioning's part of the shared loop: the data, the network and its features, one step, one validation.</summary>
    private sealed class Task : ITrainingTask<StepReport, ValidationReport>, IDisposable
    {
        private readonly CaptionTrainer trainer;
        private readonly TrainingOutputs paths;
        private readonly CaptionerConfig config;
        private readonly Vocabulary vocabulary;
        private readonly Captioner network;
        private readonly string? encoderChecksum;
        private readonly FeatureSet? trainFeatures;
        private readonly FeatureSet? validationFeatures;
        private readonly Tensor? validationImages;
        private readonly IReadOnlyList<CaptionImage> train;
        private readonly IReadOnlyList<CaptionImage> validation;
        private readonly int allValidation;
        private readonly optim.Optimizer optimizer;
        private readonly CaptionBatchLoader loader;
        private readonly CaptionModel model;
        private readonly SelfCriticalStep? selfCritical;
        private (int Epoch, int Next, IEnumerator<CaptionBatch>? Batches) epoch = (-1, 0, null);
        private (int Images, Stopwatch Clock) throughput = (0, new Stopwatch());

        public Task(CaptionTrainer trainer, TrainingOutputs paths, IReadOnlyList<CaptionImage> train, IReadOnlyList<CaptionImage> allValidation)
        {
            this.trainer = trainer;
            this.paths = paths;
            var options = trainer.options;
            this.allValidation = allValidation.Count;
            IReadOnlyList<CaptionImage> validation = options.ValidationImages > 0 && allValidation.Count > options.ValidationImages
                ? allValidation.Take(options.ValidationImages).ToList() : allValidation;
            ImagePreprocessing preprocessing;
            if (options.InitModel is { } init)
            {
                // Vocabulary, architecture and weights come from the file; the run trains that model further.
                var start = CaptionModel.Load(init);
                (vocabulary, network, preprocessing) = (start.Vocabulary, start.Network, start.Preprocessing);
                config = network.Config;
                network.EncoderRuntime = options.EncoderRuntime;
                encoderChecksum = EncoderChecksumOf(start, init, options.FeatureCache is not null);
            }
            else
            {
                vocabulary = CaptionEncoding.BuildVocabulary(train.SelectMany(i => i.Captions),
                    new TextConfig(MaxLength: trainer.configTemplate.MaxLength - 2, MinCount: options.MinWordCount));
                config = trainer.configTemplate with { VocabSize = vocabulary.Count };
                preprocessing = config.Pretrained?.Preprocessing ?? new ImagePreprocessing(config.ImageSize);
                network = new Captioner(config) { EncoderRuntime = options.EncoderRuntime };
                encoderChecksum = trainer.LoadPretrained(network);
                trainer.InitEmbeddings(network, vocabulary);
            }
            var text = new TextConfig(MaxLength: config.MaxLength - 2, MinCount: options.MinWordCount);
            trainFeatures = trainer.CachedFeatures(network, encoderChecksum, "training", ref train);
            validationFeatures = trainer.CachedFeatures(network, encoderChecksum, "validation", ref validation);
            if (trainFeatures is null) train = trainer.Readable(train, preprocessing, "training");
            if (validationFeatures is null) validation = trainer.Readable(validation, preprocessing, "validation");
            (this.train, this.validation) = (train, validation);
            optimizer = trainer.CreateOptimizer(network);
            // Self-critical steps take images (their captions are sampled), so each image comes once per epoch.
            var sampling = options.SelfCritical is null ? options.Sampling : CaptionSampling.OneCaptionPerImage;
            loader = CaptionBatchLoader.Create(train, vocabulary, text, preprocessing, new CaptionLoaderOptions(
                BatchSize: options.BatchSize, Seed: options.Seed, Sampling: sampling, Pixels: trainFeatures is null));
            if (options.SelfCritical is { } scst)
            {
                selfCritical = new SelfCriticalStep(network, vocabulary, [.. train.Select(i => (IReadOnlyList<string>)i.Captions)],
                    scst, options.ScoringTokenizer, options.Seed);
                trainer.Message($"self-critical training: {scst.Samples} samples per image, baseline {scst.Baseline}; CIDEr-D document " +
                    $"frequencies from {selfCritical.Reward.Images} training images' references ({selfCritical.Reward.ReferenceNGrams} n-grams)");
            }
            model = new CaptionModel(network, vocabulary, preprocessing);
            validationImages = validationFeatures is null ? CaptionEvaluation.Preprocess(model, validation) : null;
        }

        public List<ValidationReport> History { get; private set; } = [];
        public nn.Module Network => network;
        public optim.Optimizer Optimizer => optimizer;
        public string ScoreName => "CIDEr-D";
        public int BatchesIn(int epoch) => loader.BatchesPerEpoch;

        /// <summary>The loader's batches of an epoch, from the batch the loop asks for (a resume may start mid-epoch).</summary>
        private CaptionBatch Next(int epochIndex, int batch)
        {
            if (epoch.Epoch != epochIndex || epoch.Next != batch || epoch.Batches is null)
            {
                epoch.Batches?.Dispose();
                epoch = (epochIndex, batch, loader.Epoch(epochIndex, batch).GetEnumerator());
                throughput = (0, Stopwatch.StartNew());
            }
            if (!epoch.Batches.MoveNext()) throw new InvalidOperationException($"the loader has no batch {batch} in epoch {epochIndex}");
            epoch.Next = batch + 1;
            return epoch.Batches.Current;
        }

        public StepReport Step(StepContext context)
        {
            var clock = Stopwatch.StartNew();
            var batch = Next(context.Epoch, context.Batch);
            try
            {
                using var scope = torch.NewDisposeScope();
                if (selfCritical is not null) return SelfCriticalStep(context, batch, clock);
                var (logits, alphas) = trainFeatures is null
                    ? network.forward(batch.Images, batch.Tokens)
                    : network.ForwardRegions(trainFeatures.Rows(torch.tensor(batch.Samples.Select(x => (long)x.Image).ToArray())), batch.Tokens);
                var loss = CaptionLoss.Compute(logits, alphas, batch.Tokens, config.DoublyStochasticLambda, labelSmoothing: trainer.options.LabelSmoothing);
                optimizer.zero_grad();
                loss.Total.backward();
                nn.utils.clip_grad_norm_(network.parameters(), trainer.options.GradientClipNorm);
                optimizer.step();
                throughput.Images += (int)batch.Images.shape[0];
                return new StepReport(context.Epoch + 1, context.Batch + 1, context.BatchesInEpoch, context.Step,
                    loss.Total.item<float>(), loss.CrossEntropy.item<float>(), loss.AttentionPenalty.item<float>(),
                    throughput.Images / Math.Max(throughput.Clock.Elapsed.TotalSeconds, 1e-9), context.LearningRate,
                    context.Elapsed + clock.Elapsed, Environment.WorkingSet);
            }
            finally
            {
                batch.Dispose();
            }
        }

        private StepReport SelfCriticalStep(StepContext context, CaptionBatch batch, Stopwatch clock)
        {
            var images = batch.Samples.Select(x => x.Image).ToList();
            network.eval();   // every step samples and learns without dropout or batch statistics (see SelfCriticalStep)
            var regions = trainFeatures is null
                ? network.EncodeImages(batch.Images)
                : trainFeatures.Rows(torch.tensor(images.Select(i => (long)i).ToArray()));
            var (loss, stats) = selfCritical!.Loss(regions, images, context.Step);
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(network.parameters(), trainer.options.GradientClipNorm);
            optimizer.step();
            throughput.Images += images.Count;
            return new StepReport(context.Epoch + 1, context.Batch + 1, context.BatchesInEpoch, context.Step,
                loss.item<float>(), double.NaN, 0,
                throughput.Images / Math.Max(throughput.Clock.Elapsed.TotalSeconds, 1e-9), context.LearningRate,
                context.Elapsed + clock.Elapsed, Environment.WorkingSet) { SelfCritical = stats with { StepSeconds = clock.Elapsed.TotalSeconds } };
        }

        public Validated<ValidationReport> Validate(ValidationContext context)
        {
            // Validation generates captions (beam search) and scores them: teacher-forced loss says little about captions.
            var options = trainer.options;
            var scores = validationFeatures is not null
                ? CaptionEvaluation.Score(model, validation, validationFeatures, options.ValidationBeam, options.ScoringTokenizer)
                : CaptionEvaluation.Score(model, validation, validationImages!, options.ValidationBeam, options.ScoringTokenizer);
            bool isBest = context.IsBetter(scores.CiderD, 0);
            var report = new ValidationReport(context.Epoch, context.Step, scores.Bleu4, scores.CiderD, isBest, context.LearningRate, context.Elapsed);
            History.Add(report);
            model.SummaryJson = trainer.Summary(train.Count, allValidation, context.Step, context.State.Best, report, config, encoderChecksum);
            if (isBest) model.Save(paths.Best);
            model.Save(paths.Last);
            return new(report, scores.CiderD, 0, isBest);
        }

        public IReadOnlyDictionary<string, string> CheckpointEntries() => new Dictionary<string, string>
        {
            ["vocabulary"] = vocabulary.ToJson(),
            ["config"] = JsonSerializer.Serialize(network.Config, CaptionModel.Json),
        };

        public void CheckCheckpoint(string path, IReadOnlyDictionary<string, string> entries)
        {
            if (!entries.TryGetValue("vocabulary", out var vocab) || vocab != vocabulary.ToJson())
                throw new SpotlightException($"{path}: checkpoint was trained on other data (its vocabulary differs)");
            if (!entries.TryGetValue("config", out var cfg) || cfg != JsonSerializer.Serialize(network.Config, CaptionModel.Json))
                throw new SpotlightException($"{path}: checkpoint has a different model configuration");
        }

        public IReadOnlyDictionary<string, JsonNode?> ProgressFields() =>
            new Dictionary<string, JsonNode?> { ["History"] = JsonSerializer.SerializeToNode(History, CaptionModel.Json) };

        public void RestoreProgress(JsonElement progress)
        {
            if (progress.TryGetProperty("History", out var history))
                History = history.Deserialize<List<ValidationReport>>(CaptionModel.Json) ?? [];
        }

        public void Dispose()
        {
            epoch.Batches?.Dispose();
            validationImages?.Dispose();
            trainFeatures?.Dispose();
            validationFeatures?.Dispose();
            optimizer.Dispose();
            network.Dispose();
        }
    }

    private string Summary(int trainImages, int validationImages, long steps, double bestBefore, ValidationReport last, CaptionerConfig config, string? encoderChecksum) =>
        JsonSerializer.Serialize(new
        {
            data = dataset.Source, train_images = trainImages, validation_images = validationImages, epochs = last.Epoch, steps,
            best_validation_cider_d = Math.Max(bestBefore, last.CiderD), last_validation_bleu4 = last.Bleu4,
            last_validation_cider_d = last.CiderD, trained_seconds = last.Elapsed.TotalSeconds,
            encoder = config.Pretrained is { } p ? EncoderWeights.Name(p.Arch, p.Alpha) : "small CNN (from scratch)",
            encoder_weights = encoderChecksum, encoder_fine_tuned_blocks = config.Pretrained?.TrainableBlocks,
        });

    /// <summary>The checksum of the encoder weight file a saved captioner was trained from (its feature-cache identity).</summary>
    private static string? EncoderChecksumOf(CaptionModel model, string path, bool needed)
    {
        string? checksum = null;
        if (model.SummaryJson is { } summary && JsonNode.Parse(summary) is JsonObject fields && fields["encoder_weights"] is JsonValue value)
            checksum = value.GetValue<string>();
        if (needed && !model.Network.EncoderFrozen)
            throw new SpotlightException($"{path}: --cache-features needs a frozen pretrained encoder, and this model's is {(model.Config.Pretrained is null ? "trained from scratch" : "fine-tuned")}");
        if (needed && checksum is null)
            throw new SpotlightException($"{path}: the model does not record which encoder weight file it was trained from, so --cache-features cannot find its features; train without the cache");
        return checksum;
    }

    /// <summary>Starts a pretrained encoder from its weight file; returns the file's checksum (the cache identity).</summary>
    private string? LoadPretrained(Captioner network)
    {
        if (network.Config.Pretrained is not { } pretrained)
        {
            if (options.EncoderWeights is not null) throw new SpotlightException("--encoder-weights needs a pretrained --encoder");
            if (options.FeatureCache is not null) throw new SpotlightException("--cache-features needs a frozen pretrained --encoder");
            return null;
        }
        if (options.EncoderWeights is null)
            throw new SpotlightException($"the {pretrained.Arch} encoder needs its pretrained weights (--encoder-weights FILE from `spotlight weights import`)");
        return EncoderWeights.LoadInto(options.EncoderWeights, network.EncoderModule, pretrained);
    }

    /// <summary>Starts the word embeddings from a vectors file (--init-embeddings); says in the log how many words it lacked.
    /// A resumed run reads it too, and the checkpoint's weights then replace it.</summary>
    private void InitEmbeddings(Captioner network, Vocabulary vocabulary)
    {
        if (options.InitEmbeddings is not { } path) return;
        var vectors = Lab.PretrainedVectors.Read(path, vocabulary.Contains);
        var result = vectors.CopyInto(network.Decoder.WordEmbeddings, vocabulary);
        int words = vocabulary.Count - Vocabulary.Specials.Count;
        Message($"word embeddings: {result.Found} of {words} vocabulary words start from {path} ({vectors.Rows} vectors); " +
            $"{result.Missing.Count} missing keep their random start" +
            (result.Missing.Count > 0 ? $" ({string.Join(", ", result.Missing.Take(10))}{(result.Missing.Count > 10 ? ", …" : "")})" : ""));
    }

    /// <summary>With a feature cache: every image's regions, computed once; unreadable images leave the list.</summary>
    private FeatureSet? CachedFeatures(Captioner network, string? checksum, string what, ref IReadOnlyList<CaptionImage> images)
    {
        if (options.FeatureCache is null) return null;
        if (!network.EncoderFrozen)
            throw new SpotlightException("--cache-features needs a frozen encoder: fine-tuned blocks change the features every step");
        var cache = new FeatureCache(options.FeatureCache, network.Config.Pretrained!, checksum!, Message);
        var warnings = new List<string>();
        network.eval();
        var features = cache.Get([.. images.Select(i => i.ImagePath)], network.Config.Pretrained!.Preprocessing, network.EncodeImages,
            warnings, (done, total) => Message($"{what} features: {done}/{total} images ({cache.Identity})"));
        foreach (var warning in warnings.Take(10)) Message(warning);
        if (warnings.Count > 10) Message($"... {warnings.Count - 10} more unreadable images skipped");
        var all = images;
        images = [.. features.Kept.Select(i => all[i])];
        return features;
    }

    /// <summary>
    /// Decodes every image once before training (in parallel, at reduced scale where the codec allows) so that an
    /// unreadable file is skipped with a warning now instead of stopping the run mid-epoch.
    /// </summary>
    private IReadOnlyList<CaptionImage> Readable(IReadOnlyList<CaptionImage> images, ImagePreprocessing preprocessing, string what)
    {
        var problems = new string?[images.Count];
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            try { using var bitmap = ImageDecoder.Decode(images[i].ImagePath, minShorterSide: preprocessing.Size); }
            catch (SpotlightException e) { problems[i] = e.Message; }
        });
        var bad = problems.Where(p => p is not null).ToList();
        if (bad.Count == 0) return images;
        foreach (var problem in bad.Take(10)) Message($"{problem} (skipped)");
        if (bad.Count > 10) Message($"... {bad.Count - 10} more unreadable {what} images skipped");
        var kept = images.Where((_, i) => problems[i] is null).ToList();
        if (kept.Count == 0) throw new SpotlightException($"{dataset.Source}: none of the {images.Count} {what} images could be read");
        return kept;
    }

    /// <summary>One group for the decoder (and a from-scratch encoder); fine-tuned pretrained blocks in a second, slower one.</summary>
    private optim.Optimizer CreateOptimizer(Captioner network)
    {
        var encoder = network.Config.Pretrained is null ? [] : network.TrainableEncoderParameters().ToList();
        var fromEncoder = encoder.ToHashSet();
        var main = network.parameters().Where(p => p.requires_grad && !fromEncoder.Contains(p)).ToList();
        if (encoder.Count == 0)
            return options.Optimizer == OptimizerKind.RmsProp ? optim.RMSProp(main, options.LearningRate) : optim.Adam(main, options.LearningRate);
        double slow = options.LearningRate * options.EncoderLearningRateFactor;
        return options.Optimizer == OptimizerKind.RmsProp
            ? optim.RMSProp([new RMSProp.ParamGroup(main, lr: options.LearningRate), new RMSProp.ParamGroup(encoder, lr: slow)], options.LearningRate)
            : optim.Adam([new Adam.ParamGroup(main, lr: options.LearningRate), new Adam.ParamGroup(encoder, lr: slow)], options.LearningRate);
    }
}
