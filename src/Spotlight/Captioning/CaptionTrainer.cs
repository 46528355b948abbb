using System.Diagnostics;
using System.Text.Json;
using Spotlight.Captioning.Data;
using Spotlight.Checkpoints;
using Spotlight.Text;
using Spotlight.Vision;
using TorchSharp;
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
        var train = dataset.Split("train").Images;
        var allValidation = dataset.Split("val").Images;
        var validation = options.ValidationImages > 0 && allValidation.Count > options.ValidationImages
            ? allValidation.Take(options.ValidationImages).ToList() : allValidation;
        if (train.Count == 0) throw new SpotlightException($"{dataset.Source}: the training split is empty");
        if (allValidation.Count == 0) throw new SpotlightException($"{dataset.Source}: the validation split is empty");

        var text = new TextConfig(MaxLength: configTemplate.MaxLength - 2, MinCount: options.MinWordCount);
        var vocabulary = CaptionEncoding.BuildVocabulary(train.SelectMany(i => i.Captions), text);
        var config = configTemplate with { VocabSize = vocabulary.Count };
        var preprocessing = new ImagePreprocessing(config.EncoderConfig.ImageSize);

        torch.manual_seed(options.Seed);
        using var network = new Captioner(config);
        using var optimizer = CreateOptimizer(network);
        var progress = new Progress(0, 0, 0, double.NegativeInfinity, 0, options.LearningRate, 0, []);
        if (resumeFrom is not null) progress = Resume(resumeFrom, network, optimizer, vocabulary);
        SetLearningRate(optimizer, progress.LearningRate);

        var loader = CaptionBatchLoader.Create(train, vocabulary, text, preprocessing, new CaptionLoaderOptions(
            BatchSize: options.BatchSize, Seed: options.Seed, Sampling: options.Sampling));
        var model = new CaptionModel(network, vocabulary, preprocessing);
        using var validationImages = CaptionEvaluation.Preprocess(model, validation);
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
                    var (logits, alphas) = network.forward(batch.Images, batch.Tokens);
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
            var scores = CaptionEvaluation.Score(model, validation, validationImages, options.ValidationBeam);
            bool isBest = scores.CiderD > progress.BestScore;
            int badEpochs = isBest ? 0 : progress.BadEpochs + 1;
            var report = new ValidationReport(epoch + 1, progress.Step, scores.Bleu4, scores.CiderD, isBest, progress.LearningRate, Elapsed());
            progress.History.Add(report);
            observer.OnValidation(report);
            model.SummaryJson = Summary(train.Count, allValidation.Count, progress, report);
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

    private static string Summary(int trainImages, int validationImages, Progress progress, ValidationReport last) =>
        JsonSerializer.Serialize(new
        {
            train_images = trainImages, validation_images = validationImages, epochs = last.Epoch, steps = progress.Step,
            best_validation_cider_d = Math.Max(progress.BestScore, last.CiderD), last_validation_bleu4 = last.Bleu4,
            last_validation_cider_d = last.CiderD, trained_seconds = last.Elapsed.TotalSeconds,
        });

    private optim.Optimizer CreateOptimizer(Captioner network) => options.Optimizer switch
    {
        OptimizerKind.RmsProp => optim.RMSProp(network.parameters(), options.LearningRate),
        _ => optim.Adam(network.parameters(), options.LearningRate),
    };

    private static void SetLearningRate(optim.Optimizer optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
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
