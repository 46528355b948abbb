using System.Diagnostics;
using System.Text.Json;
using Spotlight.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Translation;

/// <summary>
/// Trains a translator: batch → teacher-forced forward → label-smoothed cross-entropy → backward → clip → Adam step,
/// with the learning-rate schedule applied before each step. At each epoch end: validation by decoding and
/// sacreBLEU, best/last model files, a resumable checkpoint, and optionally an average of the last N epochs.
/// </summary>
public sealed class TranslationTrainer
{
    /// <summary>Saved in every checkpoint so a resumed run continues the same trajectory.</summary>
    /// <remarks>Best = highest BLEU, ties (e.g. 0 on one-word synthetic sentences) broken by chrF.</remarks>
    private sealed record Progress(int Epoch, int Batch, long Step, double BestBleu, double BestChrF, int BadValidations,
        double PlateauScale, double ElapsedSeconds, List<TranslationValidationReport> History, List<string> Snapshots);

    private readonly Subwords subwords;
    private readonly TranslatorConfig config;
    private readonly TranslationTrainingOptions options;
    private readonly ITranslationObserver observer;

    public TranslationTrainer(Subwords subwords, TranslatorConfig configTemplate, TranslationTrainingOptions options, ITranslationObserver? observer = null)
    {
        options.Validate();
        this.subwords = subwords;
        config = configTemplate with { SourceVocab = subwords.Source.Count, TargetVocab = subwords.Target.Count };
        config.Validate();
        this.options = options;
        this.observer = observer ?? new NullObserver();
    }

    private sealed class NullObserver : ITranslationObserver { }

    /// <summary>Trains on <paramref name="train"/>; validates on <paramref name="validation"/> when given (else the last model is also the best).</summary>
    public TranslationTrainingResult Train(SubwordCorpus train, IReadOnlyList<SentencePair>? validation, string modelPath, string? resumeFrom = null)
    {
        var paths = TrainingOutputs.For(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(paths.Best)!);
        torch.manual_seed(options.Seed);
        var network = Seq2SeqModel.Create(config);
        if (options.Device is not null) network.to(options.Device);
        using var translator = new Translator(network, subwords);
        using var optimizer = optim.Adam(network.parameters(), options.LearningRate, beta1: 0.9, beta2: 0.98, eps: 1e-9);
        var progress = new Progress(0, 0, 0, double.NegativeInfinity, double.NegativeInfinity, 0, 1.0, 0, [], []);
        if (resumeFrom is not null) progress = Resume(resumeFrom, network, optimizer);

        var clock = Stopwatch.StartNew();
        var elapsedBefore = TimeSpan.FromSeconds(progress.ElapsedSeconds);
        TimeSpan Elapsed() => elapsedBefore + clock.Elapsed;
        long stepsThisRun = 0;
        string stopReason = "all epochs done";

        for (int epoch = progress.Epoch; epoch < options.Epochs; epoch++)
        {
            var plan = BatchPlan.Make(train.Pairs, options.MaxTokens, options.MaxSentences, options.Seed, epoch);
            var epochClock = Stopwatch.StartNew();
            long tokensThisEpoch = 0;
            network.train();
            for (int b = epoch == progress.Epoch ? progress.Batch : 0; b < plan.Count; b++)
            {
                double lr = LearningRateSchedule.At(options, progress.Step + 1, progress.PlateauScale);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                var (loss, crossEntropy, tokens) = TrainStep(network, optimizer, plan[b].Select(i => train.Pairs[i]).ToList());
                tokensThisEpoch += tokens;
                progress = progress with { Epoch = epoch, Batch = b + 1, Step = progress.Step + 1 };
                observer.OnStep(new TranslationStepReport(epoch + 1, b + 1, plan.Count, progress.Step, loss, crossEntropy,
                    tokensThisEpoch / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9), lr, Elapsed()));
                stepsThisRun++;
                if (options.CheckpointEvery > 0 && progress.Step % options.CheckpointEvery == 0)
                    SaveCheckpoint(paths.Checkpoint, network, optimizer, progress with { ElapsedSeconds = Elapsed().TotalSeconds });
                if (options.StopAfterSteps is int limit && stepsThisRun >= limit)
                {
                    SaveCheckpoint(paths.Checkpoint, network, optimizer, progress with { ElapsedSeconds = Elapsed().TotalSeconds });
                    return Result(paths, progress, Elapsed(), null, "stopped after the requested number of steps");
                }
                if (options.TimeBudget is TimeSpan budget && Elapsed() >= budget) { stopReason = "time budget reached"; break; }
            }
            var position = (progress.Epoch, progress.Batch);
            progress = EndEpoch(epoch, progress, translator, validation, paths, Elapsed());
            // Stopped mid-epoch by the time budget: validated and saved, but a resume continues this epoch where it stopped.
            if (position.Epoch == epoch && position.Batch < plan.Count && position.Batch > 0)
                progress = progress with { Epoch = position.Epoch, Batch = position.Batch };
            SaveCheckpoint(paths.Checkpoint, network, optimizer, progress);
            if (stopReason == "time budget reached") break;
            if (options.EarlyStopPatience > 0 && progress.BadValidations >= options.EarlyStopPatience)
            {
                stopReason = $"early stop: no better validation BLEU for {progress.BadValidations} validations";
                break;
            }
        }
        string? averaged = null;
        if (options.AverageLast > 1 && progress.Snapshots.Count > 1)
        {
            CheckpointAverage.Average(progress.Snapshots, paths.Average);
            averaged = paths.Average;
            observer.OnMessage($"averaged the last {progress.Snapshots.Count} epochs into {paths.Average}");
        }
        return Result(paths, progress, Elapsed(), averaged, stopReason);
    }

    // One optimizer step; returns the smoothed loss, the plain cross-entropy (both per target subword) and the subword count.
    private (double Loss, double CrossEntropy, int Tokens) TrainStep(Seq2SeqModel network, optim.Optimizer optimizer, List<EncodedPair> pairs)
    {
        using var scope = NewDisposeScope();
        using var batch = TranslationBatch.Create(pairs, options.Device);
        var (logits, _) = network.Forward(batch.Source, batch.SourceMask, batch.TargetIn);   // (batch, T, V)
        var flatLogits = logits.reshape(-1, logits.shape[2]);
        var targets = batch.TargetOut.reshape(-1);
        var loss = nn.functional.cross_entropy(flatLogits, targets, ignore_index: 0, label_smoothing: options.LabelSmoothing);
        optimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(network.parameters(), options.GradientClipNorm);
        optimizer.step();
        double crossEntropy;
        using (no_grad()) crossEntropy = nn.functional.cross_entropy(flatLogits, targets, ignore_index: 0).item<float>();
        return (loss.item<float>(), crossEntropy, batch.TargetTokens);
    }

    private Progress EndEpoch(int epoch, Progress progress, Translator translator, IReadOnlyList<SentencePair>? validation,
        TrainingOutputs paths, TimeSpan elapsed)
    {
        double lr = LearningRateSchedule.At(options, Math.Max(progress.Step, 1), progress.PlateauScale);
        bool isBest = true;
        double bleu = double.NaN, chrF = double.NaN;
        int bad = progress.BadValidations;
        double scale = progress.PlateauScale;
        if (validation is { Count: > 0 })
        {
            var sample = options.ValidationSentences > 0 ? validation.Take(options.ValidationSentences).ToList() : validation;
            var decodeOptions = options.ValidationBeam == 1 ? TranslateOptions.Greedy : new TranslateOptions(Beam: options.ValidationBeam);
            var (scores, _) = TranslationEvaluation.Evaluate(translator, sample.Select(p => p.Source).ToList(),
                sample.Select(p => p.Target).ToList(), decodeOptions);
            (bleu, chrF) = (scores.Bleu.Score, scores.ChrF.Score);
            isBest = bleu > progress.BestBleu || (bleu == progress.BestBleu && chrF > progress.BestChrF);
            bad = isBest ? 0 : bad + 1;
            var report = new TranslationValidationReport(epoch + 1, progress.Step, bleu, scores.ChrF.Score, isBest, lr,
                scores.SentencesPerSecond, elapsed);
            progress.History.Add(report);
            observer.OnValidation(report);
            if (!isBest && options.Schedule == ScheduleKind.Plateau && bad % options.PlateauPatience == 0)
            {
                scale *= options.PlateauFactor;
                observer.OnMessage($"no better BLEU for {bad} validation(s): learning rate now {options.LearningRate * scale:g3}");
            }
        }
        translator.SummaryJson = JsonSerializer.Serialize(new
        {
            epochs = epoch + 1, steps = progress.Step, validation_bleu = double.IsNaN(bleu) ? (double?)null : bleu,
            best_validation_bleu = double.IsNaN(bleu) ? (double?)null : Math.Max(bleu, progress.BestBleu),
            trained_seconds = elapsed.TotalSeconds, parameters = translator.Network.ParameterCount,
        });
        if (isBest) translator.Save(paths.Best);
        translator.Save(paths.Last);
        var snapshots = progress.Snapshots;
        if (options.AverageLast > 1)
        {
            var snapshot = paths.Epoch(epoch + 1);
            translator.Save(snapshot);
            snapshots = [.. snapshots, snapshot];
            while (snapshots.Count > options.AverageLast) { File.Delete(snapshots[0]); snapshots.RemoveAt(0); }
        }
        return progress with
        {
            Epoch = epoch + 1, Batch = 0, BestBleu = isBest && !double.IsNaN(bleu) ? bleu : progress.BestBleu,
            BestChrF = isBest && !double.IsNaN(chrF) ? chrF : progress.BestChrF,
            BadValidations = bad, PlateauScale = scale, ElapsedSeconds = elapsed.TotalSeconds, Snapshots = snapshots,
        };
    }

    private static TranslationTrainingResult Result(TrainingOutputs paths, Progress progress, TimeSpan elapsed, string? averaged, string reason) =>
        new(paths.Best, paths.Last, averaged, paths.Checkpoint, progress.Epoch, progress.Step, elapsed, progress.BestBleu,
            progress.History, reason);

    private Dictionary<string, string> CheckpointBlobs(Progress progress)
    {
        var blobs = subwords.ToBlobs();
        blobs["progress"] = JsonSerializer.Serialize(progress, Translator.Json);
        blobs["config"] = JsonSerializer.Serialize(config, Translator.Json);
        blobs["options"] = JsonSerializer.Serialize(options, Translator.Json);
        return blobs;
    }

    private void SaveCheckpoint(string path, Seq2SeqModel network, optim.Optimizer optimizer, Progress progress) =>
        TrainingCheckpoint.Save(path, network, optimizer, CheckpointBlobs(progress));

    private Progress Resume(string path, Seq2SeqModel network, optim.Optimizer optimizer)
    {
        // Check what the checkpoint was trained with before touching any weights: a clearer message than a shape mismatch.
        var (_, blobs, _) = ModelFile.Inspect(path);
        var expected = CheckpointBlobs(new Progress(0, 0, 0, 0, 0, 0, 1, 0, [], []));
        foreach (var name in new[] { Subwords.SourceBlob, Subwords.TargetBlob, Subwords.JointBlob })
            if (!blobs.TryGetValue(name, out var json) || json != expected[name])
                throw new SpotlightException($"{path}: checkpoint was trained with other subwords (its '{name}' differs)");
        if (!blobs.TryGetValue("config", out var cfg) || cfg != expected["config"])
            throw new SpotlightException($"{path}: checkpoint has a different model configuration");
        if (!blobs.TryGetValue("progress", out var progressJson))
            throw new SpotlightException($"{path}: checkpoint has no training progress");
        TrainingCheckpoint.Load(path, network, optimizer);
        var progress = JsonSerializer.Deserialize<Progress>(progressJson, Translator.Json)
            ?? throw new SpotlightException($"{path}: checkpoint progress is empty");
        observer.OnMessage($"resuming from {path}: epoch {progress.Epoch + 1}, step {progress.Step}");
        return progress;
    }
}
