using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spotlight.Checkpoints;
using Spotlight.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Translation;

/// <summary>
/// Trains a translator on the shared <see cref="TrainingLoop{TStep, TValidation}"/>: batch → teacher-forced forward →
/// label-smoothed cross-entropy → backward → clip → Adam step, at the rate of the schedule. At each epoch end:
/// validation by decoding and sacreBLEU (best = highest BLEU, ties broken by chrF), best/last model files, a resumable
/// checkpoint, and optionally an average of the last N epochs.
/// </summary>
public sealed class TranslationTrainer
{
    private readonly Subwords subwords;
    private readonly TranslatorConfig config;
    private readonly TranslationTrainingOptions options;
    private readonly ITrainingObserver<TranslationStepReport, TranslationValidationReport>? observer;

    public TranslationTrainer(Subwords subwords, TranslatorConfig configTemplate, TranslationTrainingOptions options,
        ITrainingObserver<TranslationStepReport, TranslationValidationReport>? observer = null)
    {
        options.Validate();
        this.subwords = subwords;
        config = configTemplate with { SourceVocab = subwords.Source.Count, TargetVocab = subwords.Target.Count };
        config.Validate();
        this.options = options;
        this.observer = observer;
    }

    private TrainingLoopOptions LoopOptions => new()
    {
        Epochs = options.Epochs, CheckpointEvery = options.CheckpointEvery, TimeBudget = options.TimeBudget,
        StopAfterSteps = options.StopAfterSteps, Seed = options.Seed, Schedule = options.LearningRates,
        PlateauPatience = options.PlateauPatience, PlateauFactor = options.PlateauFactor,
        EarlyStopPatience = options.EarlyStopPatience, Device = options.Device,
    };

    /// <summary>Trains on <paramref name="train"/>; validates on <paramref name="validation"/> when given (else the last model is also the best).</summary>
    public TranslationTrainingResult Train(SubwordCorpus train, IReadOnlyList<SentencePair>? validation, string modelPath, string? resumeFrom = null)
    {
        Task? task = null;
        try
        {
            var run = new TrainingLoop<TranslationStepReport, TranslationValidationReport>(LoopOptions, observer)
                .Run(modelPath, resumeFrom, paths => task = new Task(this, train, validation, paths));
            string? averaged = null;
            if (run.StopReason != "stopped after the requested number of steps" && options.AverageLast > 1 && task!.Snapshots.Count > 1)
            {
                CheckpointAverage.Average(task.Snapshots, run.Paths.Average);
                averaged = run.Paths.Average;
                observer?.OnMessage($"averaged the last {task.Snapshots.Count} epochs into {run.Paths.Average}");
            }
            return new TranslationTrainingResult(run.Paths.Best, run.Paths.Last, averaged, run.Paths.Checkpoint, run.State.Epoch,
                run.State.Step, run.Elapsed, run.State.Best, task!.History, run.StopReason);
        }
        finally
        {
            task?.Dispose();
        }
    }

    /// <summary>Translation's part of the shared loop.</summary>
    private sealed class Task : ITrainingTask<TranslationStepReport, TranslationValidationReport>, IDisposable
    {
        private readonly TranslationTrainer trainer;
        private readonly SubwordCorpus train;
        private readonly IReadOnlyList<SentencePair>? validation;
        private readonly TrainingOutputs paths;
        private readonly Seq2SeqModel network;
        private readonly Translator translator;
        private readonly optim.Optimizer optimizer;
        private (int Epoch, IReadOnlyList<int[]> Plan) plan = (-1, []);
        private (int Epoch, long Tokens, Stopwatch Clock) throughput = (-1, 0, new Stopwatch());

        public Task(TranslationTrainer trainer, SubwordCorpus train, IReadOnlyList<SentencePair>? validation, TrainingOutputs paths)
        {
            this.trainer = trainer;
            this.train = train;
            this.validation = validation;
            this.paths = paths;
            network = Seq2SeqModel.Create(trainer.config);
            if (trainer.options.Device is not null) network.to(trainer.options.Device);
            translator = new Translator(network, trainer.subwords);
            optimizer = optim.Adam(network.parameters(), trainer.options.LearningRate, beta1: 0.9, beta2: 0.98, eps: 1e-9);
        }

        public List<TranslationValidationReport> History { get; private set; } = [];
        public List<string> Snapshots { get; private set; } = [];
        public nn.Module Network => network;
        public optim.Optimizer Optimizer => optimizer;
        public string ScoreName => "BLEU";

        public int BatchesIn(int epoch) => Plan(epoch).Count;

        private IReadOnlyList<int[]> Plan(int epoch)
        {
            if (plan.Epoch != epoch)
                plan = (epoch, BatchPlan.Make(train.Pairs, trainer.options.MaxTokens, trainer.options.MaxSentences, trainer.options.Seed, epoch));
            return plan.Plan;
        }

        public TranslationStepReport Step(StepContext context)
        {
            if (throughput.Epoch != context.Epoch) throughput = (context.Epoch, 0, Stopwatch.StartNew());
            var batch = Plan(context.Epoch)[context.Batch];
            var (loss, crossEntropy, tokens) = TrainStep(batch.Select(i => train.Pairs[i]).ToList());
            throughput.Tokens += tokens;
            return new TranslationStepReport(context.Epoch + 1, context.Batch + 1, context.BatchesInEpoch, context.Step, loss, crossEntropy,
                throughput.Tokens / Math.Max(throughput.Clock.Elapsed.TotalSeconds, 1e-9), context.LearningRate,
                context.Elapsed + throughput.Clock.Elapsed);
        }

        // One optimizer step; returns the smoothed loss, the plain cross-entropy (both per target subword) and the subword count.
        private (double Loss, double CrossEntropy, int Tokens) TrainStep(List<EncodedPair> pairs)
        {
            using var scope = NewDisposeScope();
            using var batch = TranslationBatch.Create(pairs, trainer.options.Device);
            var (logits, _) = network.Forward(batch.Source, batch.SourceMask, batch.TargetIn);   // (batch, T, V)
            var flatLogits = logits.reshape(-1, logits.shape[2]);
            var targets = batch.TargetOut.reshape(-1);
            var loss = nn.functional.cross_entropy(flatLogits, targets, ignore_index: 0, label_smoothing: trainer.options.LabelSmoothing);
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(network.parameters(), trainer.options.GradientClipNorm);
            optimizer.step();
            double crossEntropy;
            using (no_grad()) crossEntropy = nn.functional.cross_entropy(flatLogits, targets, ignore_index: 0).item<float>();
            return (loss.item<float>(), crossEntropy, batch.TargetTokens);
        }

        public Validated<TranslationValidationReport> Validate(ValidationContext context)
        {
            var options = trainer.options;
            double bleu = double.NaN, chrF = double.NaN;
            bool isBest = true;
            TranslationValidationReport? report = null;
            if (validation is { Count: > 0 })
            {
                var sample = options.ValidationSentences > 0 ? validation.Take(options.ValidationSentences).ToList() : validation;
                var decodeOptions = options.ValidationBeam == 1 ? TranslateOptions.Greedy : new TranslateOptions(Beam: options.ValidationBeam);
                var (scores, _) = TranslationEvaluation.Evaluate(translator, sample.Select(p => p.Source).ToList(),
                    sample.Select(p => p.Target).ToList(), decodeOptions);
                (bleu, chrF) = (scores.Bleu.Score, scores.ChrF.Score);
                isBest = context.IsBetter(bleu, chrF);
                report = new TranslationValidationReport(context.Epoch, context.Step, bleu, chrF, isBest, context.LearningRate,
                    scores.SentencesPerSecond, context.Elapsed);
                History.Add(report);
            }
            translator.SummaryJson = JsonSerializer.Serialize(new
            {
                epochs = context.Epoch, steps = context.Step, validation_bleu = double.IsNaN(bleu) ? (double?)null : bleu,
                best_validation_bleu = double.IsNaN(bleu) ? (double?)null : Math.Max(bleu, context.State.Best),
                trained_seconds = context.Elapsed.TotalSeconds, parameters = translator.Network.ParameterCount,
            });
            if (isBest) translator.Save(paths.Best);
            translator.Save(paths.Last);
            if (options.AverageLast > 1)
            {
                var snapshot = paths.Epoch(context.Epoch);
                translator.Save(snapshot);
                Snapshots = [.. Snapshots, snapshot];
                while (Snapshots.Count > options.AverageLast) { File.Delete(Snapshots[0]); Snapshots.RemoveAt(0); }
            }
            return new(report, double.IsNaN(bleu) ? null : bleu, chrF, isBest);
        }

        public IReadOnlyDictionary<string, string> CheckpointEntries()
        {
            var entries = trainer.subwords.ToBlobs();
            entries["config"] = JsonSerializer.Serialize(trainer.config, Translator.Json);
            entries["options"] = JsonSerializer.Serialize(trainer.options, Translator.Json);
            return entries;
        }

        public void CheckCheckpoint(string path, IReadOnlyDictionary<string, string> entries)
        {
            var expected = CheckpointEntries();
            foreach (var name in new[] { Subwords.SourceBlob, Subwords.TargetBlob, Subwords.JointBlob })
                if (!entries.TryGetValue(name, out var json) || json != expected[name])
                    throw new SpotlightException($"{path}: checkpoint was trained with other subwords (its '{name}' differs)");
            if (!entries.TryGetValue("config", out var cfg) || cfg != expected["config"])
                throw new SpotlightException($"{path}: checkpoint has a different model configuration");
        }

        public IReadOnlyDictionary<string, JsonNode?> ProgressFields() => new Dictionary<string, JsonNode?>
        {
            ["History"] = JsonSerializer.SerializeToNode(History, Translator.Json),
            ["Snapshots"] = JsonSerializer.SerializeToNode(Snapshots, Translator.Json),
        };

        public void RestoreProgress(JsonElement progress)
        {
            if (progress.TryGetProperty("History", out var history))
                History = history.Deserialize<List<TranslationValidationReport>>(Translator.Json) ?? [];
            if (progress.TryGetProperty("Snapshots", out var snapshots))
                Snapshots = snapshots.Deserialize<List<string>>(Translator.Json) ?? [];
        }

        public void Dispose()
        {
            optimizer.Dispose();
            translator.Dispose();
        }
    }
}
