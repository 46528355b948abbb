using System.Diagnostics;
using System.Text.Json;
using Spotlight.Checkpoints;
using Spotlight.Training;
using Spotlight.Vision;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spotlight.Inpainting;

/// <summary>
/// Trains an inpainting network: batch → forward → loss → backward → clip → step, with validation on fixed images and
/// masks, best/last model files and resumable checkpoints (model, optimizer, RNG; batches are a function of the step).
/// </summary>
public sealed class InpaintingTrainer
{
    private readonly IReadOnlyList<RgbImage> train;
    private readonly IReadOnlyList<RgbImage> validation;
    private readonly InpaintingConfig config;
    private readonly InpaintingTrainingOptions options;
    private readonly ITrainingObserver<InpaintingStepReport, InpaintingValidationReport>? observer;
    private readonly string dataDescription;

    public InpaintingTrainer(InpaintingImages train, InpaintingImages validation, InpaintingConfig config,
        InpaintingTrainingOptions options, ITrainingObserver<InpaintingStepReport, InpaintingValidationReport>? observer = null)
    {
        config.Validate();
        options.Validate();
        foreach (var set in new[] { train, validation })
            if (set.Images.Any(i => i.Width != config.ImageSize || i.Height != config.ImageSize))
                throw new SpotlightException($"{set.Source}: images must be {config.ImageSize}x{config.ImageSize} for this model");
        if (options.Device is { } device && device.type != DeviceType.CPU)
            throw new SpotlightException($"inpainting trains on the CPU only (asked for {device.type.ToString().ToLowerInvariant()})");
        this.train = train.Images;
        this.validation = validation.Images.Take(options.ValidationImages).ToList();
        this.config = config;
        this.options = options;
        this.observer = observer;
        dataDescription = train.Source;
    }

    private TrainingLoopOptions LoopOptions => new()
    {
        Steps = options.Steps, ValidateEvery = options.ValidateEvery, CheckpointEvery = options.CheckpointEvery,
        TimeBudget = options.TimeBudget, StopAfterSteps = options.StopAfterSteps, Seed = options.Seed,
        Schedule = new LearningRateSchedule(options.LearningRate), Device = options.Device,
    };

    public InpaintingTrainingResult Train(string modelPath, string? resumeFrom = null)
    {
        Task? task = null;
        try
        {
            var run = new TrainingLoop<InpaintingStepReport, InpaintingValidationReport>(LoopOptions, observer)
                .Run(modelPath, resumeFrom, paths => task = new Task(this, paths));
            return new InpaintingTrainingResult(run.Paths.Best, run.Paths.Last, run.Paths.Checkpoint, run.State.Step, run.Elapsed,
                run.State.Best, run.StopReason);
        }
        finally
        {
            task?.Dispose();
        }
    }

    /// <summary>Inpainting's part of the shared loop: a step on a batch that is a function of the step, PSNR validation.</summary>
    private sealed class Task : ITrainingTask<InpaintingStepReport, InpaintingValidationReport>, IDisposable
    {
        private readonly InpaintingTrainer trainer;
        private readonly TrainingOutputs paths;
        private readonly InpaintingNet network;
        private readonly optim.Optimizer optimizer;
        private readonly GanPart? gan;
        private readonly InpaintingModel model;
        private readonly List<HoleMask> validationMasks;

        public Task(InpaintingTrainer trainer, TrainingOutputs paths)
        {
            this.trainer = trainer;
            this.paths = paths;
            var options = trainer.options;
            network = new InpaintingNet(trainer.config);
            optimizer = optim.Adam(network.parameters(), options.LearningRate, beta1: 0.5, beta2: 0.999);
            gan = options.Loss.Adversarial > 0 ? new GanPart(trainer.config, options) : null;
            model = new InpaintingModel(network);
            validationMasks = Enumerable.Range(0, trainer.validation.Count)
                .Select(i => InpaintingBatches.FixedMask(options.Masks, trainer.config.ImageSize, options.Seed, i)).ToList();
        }

        public nn.Module Network => network;
        public optim.Optimizer Optimizer => optimizer;
        public string ScoreName => "PSNR";
        public int BatchesIn(int epoch) => 0;

        public InpaintingStepReport Step(StepContext context)
        {
            var options = trainer.options;
            var clock = Stopwatch.StartNew();
            using var scope = torch.NewDisposeScope();
            var (target, hole) = InpaintingBatches.Training(trainer.train, context.Step - 1, options);
            var output = network.forward(target * (1 - hole), hole);
            var adversarial = gan?.GeneratorTerm(output.Image, target, hole);
            var loss = InpaintingLoss.Compute(output, target, hole, options.Loss, adversarial);
            optimizer.zero_grad();
            loss.Total.backward();
            nn.utils.clip_grad_norm_(network.parameters(), options.GradientClipNorm);
            optimizer.step();
            gan?.DiscriminatorStep(output.Image.detach(), target, hole);
            return new InpaintingStepReport(context.Step, options.Steps, loss.Total.item<float>(), loss.Hole.item<float>(),
                loss.Valid.item<float>(), loss.Pyramid.item<float>(), loss.Adversarial.item<float>(),
                options.BatchSize / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), context.Elapsed + clock.Elapsed);
        }

        public Validated<InpaintingValidationReport> Validate(ValidationContext context)
        {
            var (psnr, mae) = Score(model, trainer.validation, validationMasks);
            bool best = context.IsBetter(psnr, 0);
            var report = new InpaintingValidationReport(context.Step, psnr, mae, best, context.Elapsed);
            model.SummaryJson = JsonSerializer.Serialize(new
            {
                data = trainer.dataDescription, train_images = trainer.train.Count, validation_images = trainer.validation.Count,
                steps = context.Step, batch_size = trainer.options.BatchSize, masks = trainer.options.Masks.Select(m => m.ToString()).ToArray(),
                validation_psnr = psnr, validation_hole_mae_x100 = mae, trained_seconds = context.Elapsed.TotalSeconds,
            });
            if (best) model.Save(paths.Best);
            model.Save(paths.Last);
            return new(report, psnr, 0, best);
        }

        public IReadOnlyDictionary<string, string> CheckpointEntries() =>
            new Dictionary<string, string> { ["config"] = JsonSerializer.Serialize(trainer.config, InpaintingModel.Json) };

        public void CheckCheckpoint(string path, IReadOnlyDictionary<string, string> entries)
        {
            if (!entries.TryGetValue("config", out var cfg) || cfg != CheckpointEntries()["config"])
                throw new SpotlightException($"{path}: checkpoint has a different model configuration");
        }

        public void SaveExtra(string checkpoint) => gan?.Save(checkpoint);
        public void LoadExtra(string checkpoint) => gan?.Resume(checkpoint);

        public void Dispose()
        {
            gan?.Dispose();
            optimizer.Dispose();
            network.Dispose();
        }
    }

    /// <summary>Mean PSNR and hole MAE×100 of the composited output on the fixed validation images and masks.</summary>
    public static (double Psnr, double HoleMae100) Score(InpaintingModel model, IReadOnlyList<RgbImage> images, IReadOnlyList<HoleMask> masks)
    {
        double psnr = 0, mae = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var filled = model.Fill(images[i], masks[i]).Composite;
            var a = ImageQuality.Planes(filled);
            var b = ImageQuality.Planes(images[i]);
            psnr += ImageQuality.Psnr(a, b);
            mae += ImageQuality.HoleMae100(a, b, masks[i]);
        }
        return (psnr / images.Count, mae / images.Count);
    }

    /// <summary>The optional hinge GAN: a discriminator with its own optimizer and its own checkpoint file beside the main one.</summary>
    private sealed class GanPart : IDisposable
    {
        private readonly PatchDiscriminator discriminator;
        private readonly optim.Optimizer optimizer;

        public GanPart(InpaintingConfig config, InpaintingTrainingOptions options)
        {
            discriminator = new PatchDiscriminator(config.BaseChannels);
            optimizer = optim.Adam(discriminator.parameters(), options.LearningRate, beta1: 0.5, beta2: 0.999);
        }

        /// <summary>Generator's hinge term −D(composite); gradients reach the generator only.</summary>
        public Tensor GeneratorTerm(Tensor predicted, Tensor target, Tensor hole)
        {
            foreach (var p in discriminator.parameters()) p.requires_grad = false;
            var term = -discriminator.forward(InpaintingNet.Composite(target, predicted, hole)).mean();
            foreach (var p in discriminator.parameters()) p.requires_grad = true;
            return term;
        }

        /// <summary>Hinge loss: relu(1 − D(real)) + relu(1 + D(fake)).</summary>
        public void DiscriminatorStep(Tensor predicted, Tensor target, Tensor hole)
        {
            var fake = InpaintingNet.Composite(target, predicted, hole);
            var loss = F.relu(1 - discriminator.forward(target)).mean() + F.relu(1 + discriminator.forward(fake)).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        public void Save(string checkpoint) =>
            TrainingCheckpoint.Save(checkpoint + ".discriminator", discriminator, optimizer, new Dictionary<string, string>());

        public void Resume(string checkpoint) => TrainingCheckpoint.Load(checkpoint + ".discriminator", discriminator, optimizer);

        public void Dispose()
        {
            optimizer.Dispose();
            discriminator.Dispose();
        }
    }
}
