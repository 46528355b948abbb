using System.Diagnostics;
using System.Text.Json;
using Spotlight.Captioning.Data;
using Spotlight.Checkpoints;
using Spotlight.Text;
using Spotlight.Training;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using Spotlight.Vqa.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Vqa;

/// <summary>
/// Trains a VQA network on the shared <see cref="TrainingLoop{TStep, TValidation}"/>: a batch of images with all their
/// questions → CNN once per image → answer logits → cross-entropy → backward → clip → Adam step; validation accuracy
/// after each epoch picks the best model. The vocabularies come from the training questions and answers.
/// </summary>
public sealed class VqaTrainer(VqaDataset data, VqaConfig configTemplate, VqaTrainingOptions options,
    ITrainingObserver<VqaStepReport, VqaValidationReport>? observer = null)
{
    private readonly VqaDataset data = data;
    private readonly VqaConfig configTemplate = configTemplate;
    private readonly VqaTrainingOptions options = options;
    private readonly ITrainingObserver<VqaStepReport, VqaValidationReport>? observer = observer;

    /// <summary>Trains with the JSONL log and curves PNG beside the model, and an optional display.</summary>
    public static VqaTrainingResult TrainWithLog(VqaDataset data, VqaConfig config, VqaTrainingOptions options, string modelPath,
        string? resumeFrom = null, ITrainingObserver<VqaStepReport, VqaValidationReport>? display = null) =>
        TrainingRun.WithLog(modelPath, resumeFrom is not null,
            observer => new VqaTrainer(data, config, options, observer).Train(modelPath, resumeFrom), VqaCurves.Write, display);

    public VqaTrainingResult Train(string modelPath, string? resumeFrom = null)
    {
        options.Validate();
        var loopOptions = new TrainingLoopOptions
        {
            Epochs = options.Epochs, CheckpointEvery = options.CheckpointEvery, TimeBudget = options.TimeBudget,
            StopAfterSteps = options.StopAfterSteps, Seed = options.Seed, EarlyStopPatience = options.EarlyStopPatience,
            Schedule = new LearningRateSchedule(options.LearningRate, ScheduleKind.Plateau, options.WarmupSteps),
            PlateauPatience = options.PlateauPatience,
        };
        Task? task = null;
        try
        {
            var run = new TrainingLoop<VqaStepReport, VqaValidationReport>(loopOptions, observer)
                .Run(modelPath, resumeFrom, paths => task = new Task(this, paths));
            return new VqaTrainingResult(run.Paths.Best, run.Paths.Last, run.Paths.Checkpoint, run.State.Epoch, run.State.Step,
                run.Elapsed, run.State.Best, run.StopReason);
        }
        finally
        {
            task?.Dispose();
        }
    }

    /// <summary>
    /// With a pretrained encoder: loads its weights and returns how image files become region features, computed once
    /// (through the feature cache when one is given, else in memory), since the frozen encoder never changes them.
    /// </summary>
    private Func<IReadOnlyList<string>, Tensor>? FrozenRegions(VqaModel model)
    {
        if (model.Config.Pretrained is not { } pretrained)
        {
            if (options.EncoderWeights is not null || options.FeatureCache is not null)
                throw new SpotlightException("--encoder-weights and --cache-features need a pretrained encoder; the blind model and the small CNN take none");
            return null;
        }
        if (model.Network.EncoderModule is null) throw new SpotlightException("the blind model looks at no image: it takes no --encoder-weights");
        if (options.EncoderWeights is null)
            throw new SpotlightException($"the {pretrained.Arch} encoder needs its pretrained weights (--encoder-weights FILE from `spotlight weights import`)");
        var checksum = EncoderWeights.LoadInto(options.EncoderWeights, model.Network.EncoderModule, pretrained);
        var cache = options.FeatureCache is null ? null : new FeatureCache(options.FeatureCache, pretrained, checksum, m => observer?.OnMessage(m));
        return paths =>
        {
            if (cache is null) return model.EncodeFiles(paths);
            var warnings = new List<string>();
            var set = cache.Get(paths, model.Preprocessing, model.EncodeImages, warnings, (done, total) => observer?.OnMessage($"features: {done}/{total} images ({cache.Identity})"));
            if (set.Kept.Length != paths.Count)
            {
                set.Dispose();
                throw new SpotlightException(warnings.FirstOrDefault() ?? "an image could not be read for the feature cache");
            }
            using (set) return set.Features.to_type(ScalarType.Float32);
        };
    }

    /// <summary>
    /// The vocabularies a training split gives: question words (min count 1) and, in ordinal order, the answers given
    /// at least <paramref name="minAnswerCount"/> times (VQA v2 models keep the ~3,000 answers seen 9 times or more).
    /// </summary>
    public static (Vocabulary Questions, List<string> Answers) Vocabularies(IReadOnlyList<VqaQuestion> train, int minAnswerCount = 1) =>
        (Vocabulary.Build(train.Select(q => CaptionTokenizer.Tokenize(q.Question)), 1),
         [.. train.GroupBy(q => q.Answer, StringComparer.Ordinal).Where(g => g.Count() >= minAnswerCount).Select(g => g.Key).Order(StringComparer.Ordinal)]);

    private sealed class Task : ITrainingTask<VqaStepReport, VqaValidationReport>, IDisposable
    {
        private readonly VqaTrainer trainer;
        private readonly TrainingOutputs paths;
        private readonly VqaModel model;
        private readonly VqaExamples train;
        private readonly VqaExamples validation;
        private readonly optim.Optimizer optimizer;
        private (int Epoch, int[] Order) order = (-1, []);

        public Task(VqaTrainer trainer, TrainingOutputs paths)
        {
            this.trainer = trainer;
            this.paths = paths;
            var trainQuestions = trainer.data.Split("train");
            var (vocabulary, answers) = Vocabularies(trainQuestions, trainer.options.MinAnswerCount);
            // One hop reads the same either way: recorded as off, its checkpoints resume runs made before the option.
            var config = trainer.configTemplate with
            {
                QuestionVocabSize = vocabulary.Count, AnswerCount = answers.Count,
                AnswerFromLastHop = trainer.configTemplate.AnswerFromLastHop && trainer.configTemplate.Hops > 1,
            };
            model = new VqaModel(new VqaNetwork(config), vocabulary, answers);
            var regionsOf = trainer.FrozenRegions(model);
            // A question whose answer is too rare to be a class teaches nothing the classifier can say: it is left out
            // of training (validation keeps every question: it scores what a user would see).
            var answerable = trainer.data.Where(q => q.Split != "train" || model.AnswerIds.ContainsKey(q.Answer));
            int kept = trainQuestions.Count(q => model.AnswerIds.ContainsKey(q.Answer));
            if (kept < trainQuestions.Count)
                trainer.observer?.OnMessage($"training on the {kept} of {trainQuestions.Count} questions whose answer is one of the {answers.Count} seen at least {trainer.options.MinAnswerCount} times");
            train = VqaExamples.Load(answerable, "train", vocabulary, model.AnswerIds, model.Preprocessing, regionsOf: regionsOf);
            validation = VqaExamples.Load(trainer.data, "val", vocabulary, model.AnswerIds, model.Preprocessing, trainer.options.ValidationQuestions, regionsOf);
            // A frozen encoder's parameters are not the optimizer's.
            optimizer = optim.Adam(model.Network.parameters().Where(p => p.requires_grad), trainer.options.LearningRate);
        }

        public nn.Module Network => model.Network;
        public optim.Optimizer Optimizer => optimizer;
        public string ScoreName => "accuracy";
        public int BatchesIn(int epoch) => (train.ImageCount + trainer.options.BatchImages - 1) / trainer.options.BatchImages;

        /// <summary>The epoch's image order, from (seed, epoch) alone, so a resumed run sees the same batches.</summary>
        private int[] Order(int epoch)
        {
            if (order.Epoch != epoch)
            {
                var images = Enumerable.Range(0, train.ImageCount).ToArray();
                SeededRandom.Derive(trainer.options.Seed, epoch).Shuffle(images);
                order = (epoch, images);
            }
            return order.Order;
        }

        public VqaStepReport Step(StepContext context)
        {
            var clock = Stopwatch.StartNew();
            using var scope = torch.NewDisposeScope();
            var rows = Order(context.Epoch).Skip(context.Batch * trainer.options.BatchImages).Take(trainer.options.BatchImages).ToList();
            var batch = train.Batch(rows);
            var regions = (train.HoldsRegions ? batch.Images : model.Network.EncodeImages(batch.Images)).index_select(0, batch.ImageIndex);
            var (logits, _) = model.Network.Answer(regions, batch.Tokens);
            var loss = nn.functional.cross_entropy(logits, batch.Answers);
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(model.Network.parameters(), trainer.options.GradientClipNorm);
            optimizer.step();
            double accuracy = logits.argmax(1).eq(batch.Answers).to_type(ScalarType.Float32).mean().item<float>();
            int questions = batch.Questions.Length;
            return new VqaStepReport(context.Epoch + 1, trainer.options.Epochs, context.Batch + 1, context.BatchesInEpoch, context.Step,
                loss.item<float>(), accuracy, questions / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), context.LearningRate, context.Elapsed + clock.Elapsed);
        }

        public Validated<VqaValidationReport> Validate(ValidationContext context)
        {
            var answers = VqaEvaluation.Run(model, validation);
            double accuracy = VqaEvaluation.Score(trainer.data, validation.Questions, answers).Accuracy;
            bool isBest = context.IsBetter(accuracy, 0);
            var report = new VqaValidationReport(context.Epoch, context.Step, accuracy, isBest, context.Elapsed);
            model.SummaryJson = JsonSerializer.Serialize(new
            {
                data = trainer.data.Directory, model = model.Config.Model.ToString(), train_questions = train.Questions.Count,
                validation_questions = validation.Questions.Count, epochs = context.Epoch, steps = context.Step,
                best_validation_accuracy = Math.Max(context.State.Best, accuracy), last_validation_accuracy = accuracy,
                trained_seconds = context.Elapsed.TotalSeconds,
            }, VqaModel.Json);
            if (isBest) model.Save(paths.Best);
            model.Save(paths.Last);
            return new(report, accuracy, 0, isBest);
        }

        public IReadOnlyDictionary<string, string> CheckpointEntries() => new Dictionary<string, string>
        {
            ["question_vocabulary"] = model.QuestionVocabulary.ToJson(),
            ["answers"] = JsonSerializer.Serialize(model.Answers, VqaModel.Json),
            ["config"] = JsonSerializer.Serialize(model.Config, VqaModel.Json),
        };

        public void CheckCheckpoint(string path, IReadOnlyDictionary<string, string> entries) =>
            Training.CheckpointEntries.RequireSame(path, CheckpointEntries(), entries);

        public void Dispose()
        {
            train.Dispose();
            validation.Dispose();
            optimizer.Dispose();
            model.Dispose();
        }
    }
}
