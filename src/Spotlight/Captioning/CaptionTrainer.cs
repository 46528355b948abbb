using System.Diagnostics;
using System.Text.Json;
using Spotlight.Captioning.Data;
using Spotlight.Checkpoints;
using Spotlight.Text;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>
/// Trains a Show-Attend-Tell captioner: batch → forward → loss → backward → clip → step, validation by generating
/// captions, learning-rate decay on plateau, early stopping, best/last model files and resumable checkpoints.
/// </summary>
public sealed class CaptionTrainer
{
    /// <summary>Training progress saved in every checkpoint so a resumed run continues the same trajectory.</summary>
    private sealed record Progress(int Epoch, int Batch, long Step, double BestScore, int BadEpochs, double LearningRate,
        double ElapsedSeconds, List<ValidationReport> History);

    private readonly CaptionDataset dataset;
    private readonly CaptionerConfig configTemplate;
    private readonly CaptionTrainingOptions options;
    private readonly ITrainingObserver observer;

    public CaptionTrainer(CaptionDataset dataset, CaptionerConfig configTemplate, CaptionTrainingOptions options, ITrainingObserver? observer = null)
    {
        options.Validate();
        this.dataset = dataset;
        this.configTemplate = configTemplate;
        this.options = options;
        this.observer = observer ?? new NullObserver();
    }

    private sealed class NullObserver : ITrainingObserver { }

    public CaptionTrainingResult Train(string modelPath, string? resumeFrom = null)
    {
        var paths = TrainingOutputs.For(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(paths.Best)!);
        IReadOnlyList<CaptionImage> train = dataset.Split("train").Images;
        var allValidation = dataset.Split("val").Images;
        IReadOnlyList<CaptionImage> validation = options.ValidationImages > 0 && allValidation.Count > options.ValidationImages
            ? allValidation.Take(options.ValidationImages).ToList() : allValidation;
        if (train.Count == 0) throw new SpotlightException($"{dataset.Source}: the training split is empty");
        if (allValidation.Count == 0) throw new SpotlightException($"{dataset.Source}: the validation split is empty");

        var text = new TextConfig(MaxLength: configTemplate.MaxLength - 2, MinCount: options.MinWordCount);
        var vocabulary = CaptionEncoding.BuildVocabulary(train.SelectMany(i => i.Captions), text);
        var config = configTemplate with { VocabSize = vocabulary.Count };
        var preprocessing = config.Pretrained?.Preprocessing ?? new ImagePreprocessing(config.EncoderConfig.ImageSize);

        torch.manual_seed(options.Seed);
        using var network = new Captioner(config) { EncoderRuntime = options.EncoderRuntime };
        string? encoderChecksum = LoadPretrained(network);
        using var trainFeatures = CachedFeatures(network, encoderChecksum, "training", ref train);
        using var validationFeatures = CachedFeatures(network, encoderChecksum, "validation", ref validation);
        if (trainFeatures is null) train = Readable(train, preprocessing, "training");
        if (validationFeatures is null) validation = Readable(validation, preprocessing, "validation");
        using var optimizer = CreateOptimizer(network);
        var progress = new Progress(0, 0, 0, double.NegativeInfinity, 0, options.LearningRate, 0, []);
        if (resumeFrom is not null) progress = Resume(resumeFrom, network, optimizer, vocabulary);
        SetLearningRate(optimizer, progress.LearningRate);

        var loader = CaptionBatchLoader.Create(train, vocabulary, text, preprocessing, new CaptionLoaderOptions(
            BatchSize: options.BatchSize, Seed: options.Seed, Sampling: options.Sampling, Pixels: trainFeatures is null));
        var model = new CaptionModel(network, vocabulary, preprocessing);
        using var validationImages = validationFeatures is null ? CaptionEvaluation.Preprocess(model, validation) : null;
        var clock = Stopwatch.StartNew();
        var elapsedBefore = TimeSpan.FromSeconds(progress.ElapsedSeconds);
        TimeSpan Elapsed() => elapsedBefore + clock.Elapsed;
        long stepsThisRun = 0;
        string stopReason = "all epochs done";
        bool stop = false;

        for (int epoch = progress.Epoch; epoch < options.Epochs && !stop; epoch++)
        {
            network.train();
            var epochClock = Stopwatch.StartNew();
            int imagesThisEpoch = 0;
            int batchIndex = epoch == progress.Epoch ? progress.Batch : 0;
            foreach (var batch in loader.Epoch(epoch, batchIndex))
            {
                using (var scope = torch.NewDisposeScope())
                {
                    var (logits, alphas) = trainFeatures is null
                        ? network.forward(batch.Images, batch.Tokens)
                        : network.ForwardRegions(trainFeatures.Rows(torch.tensor(batch.Samples.Select(x => (long)x.Image).ToArray())), batch.Tokens);
                    var loss = CaptionLoss.Compute(logits, alphas, batch.Tokens, config.DoublyStochasticLambda);
                    optimizer.zero_grad();
                    loss.Total.backward();
                    nn.utils.clip_grad_norm_(network.parameters(), options.GradientClipNorm);
                    optimizer.step();
                    imagesThisEpoch += (int)batch.Images.shape[0];
                    progress = progress with { Batch = ++batchIndex, Step = progress.Step + 1, Epoch = epoch };
                    observer.OnStep(new StepReport(epoch + 1, batchIndex, loader.BatchesPerEpoch, progress.Step,
                        loss.Total.item<float>(), loss.CrossEntropy.item<float>(), loss.AttentionPenalty.item<float>(),
                        imagesThisEpoch / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9), progress.LearningRate, Elapsed(),
                        Environment.WorkingSet));
                }
                batch.Dispose();
                stepsThisRun++;
                if (options.CheckpointEvery > 0 && progress.Step % options.CheckpointEvery == 0)
                    SaveCheckpoint(paths.Checkpoint, network, optimizer, vocabulary, progress with { ElapsedSeconds = Elapsed().TotalSeconds });
                if (options.StopAfterSteps is int limit && stepsThisRun >= limit)
                {
                    SaveCheckpoint(paths.Checkpoint, network, optimizer, vocabulary, progress with { ElapsedSeconds = Elapsed().TotalSeconds });
                    return Result(paths, progress, Elapsed(), "stopped after the requested number of steps");
                }
                if (options.TimeBudget is TimeSpan budget && Elapsed() >= budget) { stop = true; stopReason = "time budget reached"; break; }
            }

            // Validation generates captions (beam search) and scores them: teacher-forced loss says little about captions.
            var scores = validationFeatures is not null
                ? CaptionEvaluation.Score(model, validation, validationFeatures, options.ValidationBeam, options.ScoringTokenizer)
                : CaptionEvaluation.Score(model, validation, validationImages!, options.ValidationBeam, options.ScoringTokenizer);
            bool isBest = scores.CiderD > progress.BestScore;
            int badEpochs = isBest ? 0 : progress.BadEpochs + 1;
            var report = new ValidationReport(epoch + 1, progress.Step, scores.Bleu4, scores.CiderD, isBest, progress.LearningRate, Elapsed());
            progress.History.Add(report);
            observer.OnValidation(report);
            model.SummaryJson = Summary(train.Count, allValidation.Count, progress, report, config, encoderChecksum);
            if (isBest) model.Save(paths.Best);
            model.Save(paths.Last);

            double lr = progress.LearningRate;
            if (!isBest && badEpochs % options.PlateauPatience == 0)
            {
                lr *= options.PlateauFactor;
                SetLearningRate(optimizer, lr);
                observer.OnMessage($"no improvement for {badEpochs} epoch(s): learning rate now {lr:g3}");
            }
            progress = progress with
            {
                Epoch = epoch + 1, Batch = 0, BestScore = Math.Max(progress.BestScore, scores.CiderD),
                BadEpochs = badEpochs, LearningRate = lr, ElapsedSeconds = Elapsed().TotalSeconds,
            };
            SaveCheckpoint(paths.Checkpoint, network, optimizer, vocabulary, progress);
            if (badEpochs >= options.EarlyStopPatience) { stop = true; stopReason = $"early stop: no better CIDEr-D for {badEpochs} epochs"; }
        }
        return Result(paths, progress, Elapsed(), stopReason);
    }

    private static CaptionTrainingResult Result(TrainingOutputs paths, Progress progress, TimeSpan elapsed, string reason) =>
        new(paths.Best, paths.Last, paths.Checkpoint, progress.Epoch, progress.Step, elapsed, progress.BestScore, progress.History, reason);

    private string Summary(int trainImages, int validationImages, Progress progress, ValidationReport last, CaptionerConfig config, string? encoderChecksum) =>
        JsonSerializer.Serialize(new
        {
            data = dataset.Source, train_images = trainImages, validation_images = validationImages, epochs = last.Epoch, steps = progress.Step,
            best_validation_cider_d = Math.Max(progress.BestScore, last.CiderD), last_validation_bleu4 = last.Bleu4,
            last_validation_cider_d = last.CiderD, trained_seconds = last.Elapsed.TotalSeconds,
            encoder = config.Pretrained is { } p ? EncoderWeights.Name(p.Arch, p.Alpha) : "small CNN (from scratch)",
            encoder_weights = encoderChecksum, encoder_fine_tuned_blocks = config.Pretrained?.TrainableBlocks,
        });

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

    /// <summary>With a feature cache: every image's regions, computed once; unreadable images leave the list.</summary>
    private FeatureSet? CachedFeatures(Captioner network, string? checksum, string what, ref IReadOnlyList<CaptionImage> images)
    {
        if (options.FeatureCache is null) return null;
        if (!network.EncoderFrozen)
            throw new SpotlightException("--cache-features needs a frozen encoder: fine-tuned blocks change the features every step");
        var cache = new FeatureCache(options.FeatureCache, network.Config.Pretrained!, checksum!, observer.OnMessage);
        var warnings = new List<string>();
        network.eval();
        var features = cache.Get([.. images.Select(i => i.ImagePath)], network.Config.Pretrained!.Preprocessing, network.EncodeImages,
            warnings, (done, total) => observer.OnMessage($"{what} features: {done}/{total} images ({cache.Identity})"));
        foreach (var warning in warnings.Take(10)) observer.OnMessage(warning);
        if (warnings.Count > 10) observer.OnMessage($"... {warnings.Count - 10} more unreadable images skipped");
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
        foreach (var problem in bad.Take(10)) observer.OnMessage($"{problem} (skipped)");
        if (bad.Count > 10) observer.OnMessage($"... {bad.Count - 10} more unreadable {what} images skipped");
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

    private void SetLearningRate(optim.Optimizer optimizer, double lr)
    {
        int index = 0;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = index++ == 0 ? lr : lr * options.EncoderLearningRateFactor;
    }

    private void SaveCheckpoint(string path, Captioner network, optim.Optimizer optimizer, Vocabulary vocabulary, Progress progress) =>
        TrainingCheckpoint.Save(path, network, optimizer, new Dictionary<string, string>
        {
            ["progress"] = JsonSerializer.Serialize(progress, CaptionModel.Json),
            ["vocabulary"] = vocabulary.ToJson(),
            ["config"] = JsonSerializer.Serialize(network.Config, CaptionModel.Json),
            ["options_seed"] = options.Seed.ToString(),
        });

    private Progress Resume(string path, Captioner network, optim.Optimizer optimizer, Vocabulary vocabulary)
    {
        var blobs = TrainingCheckpoint.Load(path, network, optimizer);
        if (!blobs.TryGetValue("vocabulary", out var vocab) || vocab != vocabulary.ToJson())
            throw new SpotlightException($"{path}: checkpoint was trained on other data (its vocabulary differs)");
        if (!blobs.TryGetValue("config", out var cfg) || cfg != JsonSerializer.Serialize(network.Config, CaptionModel.Json))
            throw new SpotlightException($"{path}: checkpoint has a different model configuration");
        if (!blobs.TryGetValue("progress", out var json))
            throw new SpotlightException($"{path}: checkpoint has no training progress");
        var progress = JsonSerializer.Deserialize<Progress>(json, CaptionModel.Json)
            ?? throw new SpotlightException($"{path}: checkpoint progress is empty");
        observer.OnMessage($"resuming from {path}: epoch {progress.Epoch + 1}, step {progress.Step}");
        return progress;
    }
}
