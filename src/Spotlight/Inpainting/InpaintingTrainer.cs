using System.Diagnostics;
using System.Text.Json;
using Spotlight.Checkpoints;
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
    private sealed record Progress(long Step, double BestPsnr, double ElapsedSeconds);

    private readonly IReadOnlyList<RgbImage> train;
    private readonly IReadOnlyList<RgbImage> validation;
    private readonly InpaintingConfig config;
    private readonly InpaintingTrainingOptions options;
    private readonly IInpaintingObserver observer;
    private readonly string dataDescription;

    public InpaintingTrainer(InpaintingImages train, InpaintingImages validation, InpaintingConfig config,
        InpaintingTrainingOptions options, IInpaintingObserver? observer = null)
    {
        config.Validate();
        options.Validate();
        foreach (var set in new[] { train, validation })
            if (set.Images.Any(i => i.Width != config.ImageSize || i.Height != config.ImageSize))
                throw new SpotlightException($"{set.Source}: images must be {config.ImageSize}x{config.ImageSize} for this model");
        this.train = train.Images;
        this.validation = validation.Images.Take(options.ValidationImages).ToList();
        this.config = config;
        this.options = options;
        this.observer = observer ?? new NullObserver();
        dataDescription = train.Source;
    }

    private sealed class NullObserver : IInpaintingObserver { }

    public InpaintingTrainingResult Train(string modelPath, string? resumeFrom = null)
    {
        var paths = TrainingOutputs.For(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(paths.Best)!);
        torch.manual_seed(options.Seed);
        using var network = new InpaintingNet(config);
        using var optimizer = optim.Adam(network.parameters(), options.LearningRate, beta1: 0.5, beta2: 0.999);
        var gan = options.Loss.Adversarial > 0 ? new GanPart(config, options) : null;
        var progress = new Progress(0, double.NegativeInfinity, 0);
        if (resumeFrom is not null)
        {
            progress = Resume(resumeFrom, network, optimizer);
            gan?.Resume(resumeFrom);
        }
        var model = new InpaintingModel(network);
        var valMasks = Enumerable.Range(0, validation.Count)
            .Select(i => InpaintingBatches.FixedMask(options.Masks, config.ImageSize, options.Seed, i)).ToList();

        var clock = Stopwatch.StartNew();
        var before = TimeSpan.FromSeconds(progress.ElapsedSeconds);
        TimeSpan Elapsed() => before + clock.Elapsed;
        long stepsThisRun = 0;
        string reason = "all steps done";
        while (progress.Step < options.Steps)
        {
            network.train();
            var stepClock = Stopwatch.StartNew();
            using (var scope = torch.NewDisposeScope())
            {
                var (target, hole) = InpaintingBatches.Training(train, progress.Step, options);
                var output = network.forward(target * (1 - hole), hole);
                var adversarial = gan?.GeneratorTerm(output.Image, target, hole);
                var loss = InpaintingLoss.Compute(output, target, hole, options.Loss, adversarial);
                optimizer.zero_grad();
                loss.Total.backward();
                nn.utils.clip_grad_norm_(network.parameters(), options.GradientClipNorm);
                optimizer.step();
                gan?.DiscriminatorStep(output.Image.detach(), target, hole);
                progress = progress with { Step = progress.Step + 1 };
                observer.OnStep(new InpaintingStepReport(progress.Step, options.Steps, loss.Total.item<float>(), loss.Hole.item<float>(),
                    loss.Valid.item<float>(), loss.Pyramid.item<float>(), loss.Adversarial.item<float>(),
                    options.BatchSize / Math.Max(stepClock.Elapsed.TotalSeconds, 1e-9), Elapsed()));
            }
            stepsThisRun++;
            bool last = progress.Step == options.Steps;
            bool outOfTime = options.TimeBudget is TimeSpan budget && Elapsed() >= budget;
            if (progress.Step % options.ValidateEvery == 0 || last || outOfTime)
                progress = Validate(model, valMasks, progress, paths, Elapsed());
            if (progress.Step % options.CheckpointEvery == 0 || progress.Step % options.ValidateEvery == 0 || last || outOfTime)
                SaveCheckpoint(paths.Checkpoint, network, optimizer, gan, progress with { ElapsedSeconds = Elapsed().TotalSeconds });
            if (outOfTime && !last) { reason = "time budget reached"; break; }
            if (options.StopAfterSteps is int limit && stepsThisRun >= limit && !last)
            {
                SaveCheckpoint(paths.Checkpoint, network, optimizer, gan, progress with { ElapsedSeconds = Elapsed().TotalSeconds });
                reason = "stopped after the requested number of steps";
                break;
            }
        }
        gan?.Dispose();
        return new InpaintingTrainingResult(paths.Best, paths.Last, paths.Checkpoint, progress.Step, Elapsed(), progress.BestPsnr, reason);
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

    private Progress Validate(InpaintingModel model, IReadOnlyList<HoleMask> masks, Progress progress, TrainingOutputs paths, TimeSpan elapsed)
    {
        var (psnr, mae) = Score(model, validation, masks);
        bool best = psnr > progress.BestPsnr;
        observer.OnValidation(new InpaintingValidationReport(progress.Step, psnr, mae, best, elapsed));
        model.SummaryJson = JsonSerializer.Serialize(new
        {
            data = dataDescription, train_images = train.Count, validation_images = validation.Count, steps = progress.Step,
            batch_size = options.BatchSize, masks = options.Masks.Select(m => m.ToString()).ToArray(),
            validation_psnr = psnr, validation_hole_mae_x100 = mae, trained_seconds = elapsed.TotalSeconds,
        });
        if (best) model.Save(paths.Best);
        model.Save(paths.Last);
        return progress with { BestPsnr = Math.Max(progress.BestPsnr, psnr) };
    }

    private void SaveCheckpoint(string path, InpaintingNet network, optim.Optimizer optimizer, GanPart? gan, Progress progress)
    {
        TrainingCheckpoint.Save(path, network, optimizer, new Dictionary<string, string>
        {
            ["progress"] = JsonSerializer.Serialize(progress, InpaintingModel.Json),
            ["config"] = JsonSerializer.Serialize(config, InpaintingModel.Json),
            ["seed"] = options.Seed.ToString(),
        });
        gan?.Save(path);
    }

    private Progress Resume(string path, InpaintingNet network, optim.Optimizer optimizer)
    {
        var blobs = TrainingCheckpoint.Load(path, network, optimizer);
        if (!blobs.TryGetValue("config", out var cfg) || cfg != JsonSerializer.Serialize(config, InpaintingModel.Json))
            throw new SpotlightException($"{path}: checkpoint has a different model configuration");
        if (!blobs.TryGetValue("seed", out var seed) || seed != options.Seed.ToString())
            throw new SpotlightException($"{path}: checkpoint was trained with another --seed");
        var progress = JsonSerializer.Deserialize<Progress>(blobs.GetValueOrDefault("progress") ?? "null", InpaintingModel.Json)
            ?? throw new SpotlightException($"{path}: checkpoint has no training progress");
        observer.OnMessage($"resuming from {path} at step {progress.Step}");
        return progress;
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
