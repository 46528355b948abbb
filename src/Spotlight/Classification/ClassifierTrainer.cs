using System.Diagnostics;
using System.Text.Json;
using Spotlight.Captioning.Data;
using Spotlight.Checkpoints;
using Spotlight.IO;
using Spotlight.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Classification;

/// <summary>How to train a classifier.</summary>
public sealed record ClassifierTrainingOptions(int Epochs = 30, int BatchSize = 64, double LearningRate = 1e-3,
    long Seed = 1, TimeSpan? TimeBudget = null, int WarmupSteps = 100, bool Flip = true, int EarlyStopPatience = 6, int CheckpointEvery = 200)
{
    /// <summary>With a pretrained encoder: its weights (an encoder file from <c>spotlight weights import</c>), loaded before training.</summary>
    public string? EncoderWeights { get; init; }

    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 1) throw new SpotlightException("epochs and batch size must be positive");
        if (!(LearningRate > 0)) throw new SpotlightException("the learning rate must be positive");
    }
}

public sealed record ClassifierStepReport(int Epoch, int Epochs, int Batch, int Batches, long Step, double Loss, double Accuracy,
    double ImagesPerSecond, double LearningRate, TimeSpan Elapsed) : IStepReport
{
    public TrainingPosition Position => new(Epoch, Epochs, Batch, Batches);
    public string Summary => $"loss {Loss:F3} acc {Accuracy:P0} {ImagesPerSecond:F0} img/s";
    public object LogLine() => new { type = "step", epoch = Epoch, batch = Batch, step = Step, loss = Loss, accuracy = Accuracy, images_per_second = ImagesPerSecond, lr = LearningRate, elapsed_s = Elapsed.TotalSeconds };
}

public sealed record ClassifierValidationReport(int Epoch, long Step, double Accuracy, bool IsBest, TimeSpan Elapsed) : IValidationReport
{
    public string Summary => $"validation epoch {Epoch}: accuracy {Accuracy:P1}";
    public object LogLine() => new { type = "validation", epoch = Epoch, step = Step, accuracy = Accuracy, is_best = IsBest, elapsed_s = Elapsed.TotalSeconds };
}

public sealed record ClassifierTrainingResult(string BestModelPath, int Epochs, long Steps, TimeSpan Elapsed, double BestAccuracy, string StopReason);

/// <summary>
/// Trains a classifier on the shared <see cref="TrainingLoop{TStep, TValidation}"/>: cross-entropy, Adam with a
/// warm-up then cosine decay, horizontal flips (seeded per epoch and image), validation accuracy per epoch picking the
/// best model; checkpoints resume mid-epoch.
/// </summary>
public sealed class ClassifierTrainer(ImageFolderData data, ClassifierConfig configTemplate, ClassifierTrainingOptions options,
    ITrainingObserver<ClassifierStepReport, ClassifierValidationReport>? observer = null)
{
    private readonly ImageFolderData data = data;
    private readonly ClassifierConfig configTemplate = configTemplate;
    private readonly ClassifierTrainingOptions options = options;

    public static ClassifierTrainingResult TrainWithLog(ImageFolderData data, ClassifierConfig config, ClassifierTrainingOptions options, string modelPath,
        string? resumeFrom = null, ITrainingObserver<ClassifierStepReport, ClassifierValidationReport>? display = null) =>
        TrainingRun.WithLog(modelPath, resumeFrom is not null,
            o => new ClassifierTrainer(data, config, options, o).Train(modelPath, resumeFrom), Curves, display);

    public ClassifierTrainingResult Train(string modelPath, string? resumeFrom = null)
    {
        options.Validate();
        // The cosine runs over the epochs asked for (a time budget may stop it earlier); warm-up at most a tenth of it.
        long total = (long)options.Epochs * ((data.Split("train").Count + options.BatchSize - 1) / options.BatchSize);
        int warmup = (int)Math.Min(options.WarmupSteps, total / 10);
        var loop = new TrainingLoopOptions
        {
            Epochs = options.Epochs, TimeBudget = options.TimeBudget, Seed = options.Seed, EarlyStopPatience = options.EarlyStopPatience,
            CheckpointEvery = options.CheckpointEvery,
            Schedule = new LearningRateSchedule(options.LearningRate, ScheduleKind.Cosine, warmup, Math.Max(total, warmup + 1)),
        };
        Task? task = null;
        try
        {
            var run = new TrainingLoop<ClassifierStepReport, ClassifierValidationReport>(loop, observer).Run(modelPath, resumeFrom, paths => task = new Task(this, paths));
            return new ClassifierTrainingResult(run.Paths.Best, run.State.Epoch, run.State.Step, run.Elapsed, run.State.Best, run.StopReason);
        }
        finally
        {
            task?.Dispose();
        }
    }

    public static void Curves(string path, IReadOnlyList<ClassifierStepReport> steps, IReadOnlyList<ClassifierValidationReport> validations)
    {
        var x = steps.Select(s => (double)s.Step).ToArray();
        CurvesPng.Write(path,
            new CurvePanel("Training", "step", [new("loss", x, steps.Select(s => s.Loss).ToArray()), new("batch accuracy", x, steps.Select(s => s.Accuracy).ToArray())]),
            new CurvePanel("Validation", "epoch", [new("accuracy", validations.Select(v => (double)v.Epoch).ToArray(), validations.Select(v => v.Accuracy).ToArray())]));
    }

    private sealed class Task : ITrainingTask<ClassifierStepReport, ClassifierValidationReport>, IDisposable
    {
        private readonly ClassifierTrainer trainer;
        private readonly TrainingOutputs paths;
        private readonly ClassifierModel model;
        private readonly ClassifierExamples train;
        private readonly ClassifierExamples validation;
        private readonly optim.Optimizer optimizer;
        private (int Epoch, int[] Order, bool[] Flips) epochPlan = (-1, [], []);

        public Task(ClassifierTrainer trainer, TrainingOutputs paths)
        {
            this.trainer = trainer;
            this.paths = paths;
            var config = trainer.configTemplate with { Classes = trainer.data.Classes.Count };
            model = new ClassifierModel(new Classifier(config), trainer.data.Classes);
            if (config.Pretrained is { } pretrained)
                Vision.Encoders.EncoderWeights.LoadInto(trainer.options.EncoderWeights
                    ?? throw new SpotlightException("a classifier on a pretrained encoder needs its encoder weights file"), model.Network.Encoder, pretrained);
            train = new ClassifierExamples(trainer.data.Split("train"), model.Preprocessing);
            validation = new ClassifierExamples(trainer.data.Split("val"), model.Preprocessing);
            // Adam, as every trainer here: with AdamW, 2 of 8 test runs of this loop failed with native Scalar errors (none with Adam).
            optimizer = optim.Adam(model.Network.parameters().Where(p => p.requires_grad), trainer.options.LearningRate);
        }

        public nn.Module Network => model.Network;
        public optim.Optimizer Optimizer => optimizer;
        public string ScoreName => "accuracy";
        public int BatchesIn(int epoch) => (train.Count + trainer.options.BatchSize - 1) / trainer.options.BatchSize;

        public ClassifierStepReport Step(StepContext context)
        {
            var clock = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            var (_, order, flips) = Plan(context.Epoch);
            var rows = order.Skip(context.Batch * trainer.options.BatchSize).Take(trainer.options.BatchSize).ToList();
            var (images, labels) = train.Batch(rows, r => flips[r]);
            var logits = model.Network.forward(images);
            var loss = nn.functional.cross_entropy(logits, labels);
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(model.Network.parameters().Where(p => p.requires_grad), 1.0);
            optimizer.step();
            double accuracy = logits.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
            return new ClassifierStepReport(context.Epoch + 1, trainer.options.Epochs, context.Batch + 1, context.BatchesInEpoch, context.Step,
                loss.item<float>(), accuracy, rows.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), context.LearningRate, context.Elapsed + clock.Elapsed);
        }

        /// <summary>The epoch's order and flips, from (seed, epoch) alone so a resumed run sees the same batches; drawn once per epoch.</summary>
        private (int Epoch, int[] Order, bool[] Flips) Plan(int epoch)
        {
            if (epochPlan.Epoch != epoch)
            {
                var order = Enumerable.Range(0, train.Count).ToArray();
                var rng = SeededRandom.Derive(trainer.options.Seed, epoch);
                rng.Shuffle(order);
                epochPlan = (epoch, order, [.. order.Select(_ => trainer.options.Flip && rng.NextDouble() < 0.5)]);
            }
            return epochPlan;
        }

        public Validated<ClassifierValidationReport> Validate(ValidationContext context)
        {
            var predicted = ClassifierEvaluation.Predict(model, validation);
            double accuracy = ClassifierEvaluation.Score(model.Labels, validation.Items, predicted).Accuracy;
            bool isBest = context.IsBetter(accuracy, 0);
            model.SummaryJson = JsonSerializer.Serialize(new
            {
                data = trainer.data.Directory, split_seed = trainer.options.Seed, encoder = model.Network.Config.Encoder.ToString().ToLowerInvariant(), classes = model.Labels,
                train_images = train.Count, validation_images = validation.Count, epochs = context.Epoch, steps = context.Step,
                best_validation_accuracy = Math.Max(context.State.Best, accuracy), last_validation_accuracy = accuracy, trained_seconds = context.Elapsed.TotalSeconds,
            });
            if (isBest) model.Save(paths.Best);
            model.Save(paths.Last);
            return new(new ClassifierValidationReport(context.Epoch, context.Step, accuracy, isBest, context.Elapsed), accuracy, 0, isBest);
        }

        public IReadOnlyDictionary<string, string> CheckpointEntries() => new Dictionary<string, string>
        {
            ["labels"] = JsonSerializer.Serialize(model.Labels),
            ["config"] = JsonSerializer.Serialize(model.Network.Config, ClassifierModel.Json),
        };

        public void CheckCheckpoint(string path, IReadOnlyDictionary<string, string> entries) =>
            Training.CheckpointEntries.RequireSame(path, CheckpointEntries(), entries);

        public void Dispose()
        {
            optimizer.Dispose();
            model.Dispose();
        }
    }
}
