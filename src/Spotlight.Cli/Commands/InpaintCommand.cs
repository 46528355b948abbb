using Spotlight.Checkpoints;
using System.CommandLine;
using Spectre.Console;
using Spotlight.Inpainting;
using Spotlight.Training;
using Spotlight.Vision;

namespace Spotlight.Cli.Commands;

/// <summary>
/// <c>spotlight inpaint MODEL IMAGE --mask|--box --out</c> fills a hole; <c>inpaint train</c> trains a PEN-Net-style
/// network (attention transfer or identity skips); <c>inpaint eval</c> scores models and baselines per hole-ratio bin.
/// </summary>
public static class InpaintCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "an inpainting .spotlight file" };
        var image = new Argument<string>("IMAGE") { Description = "image to fill (centre-cropped and resized to the model's size)" };
        var mask = new Option<string?>("--mask") { Description = "PNG of the image's size, white = hole" };
        var box = new Option<string?>("--box") { Description = "hole rectangle x,y,w,h in the image's pixels" };
        var output = new Option<string>("--out") { Description = "filled image (PNG)", Required = true };
        var attentionOut = new Option<string?>("--attention-out") { Description = "folder for offset-flow.png and attention.html (click a hole pixel to see its sources)" };
        var threads = CommonOptions.Threads();
        var command = new Command("inpaint", "Fill a hole in an image with a trained inpainting model (contextual attention, PEN-Net attention transfer).")
        {
            model, image, mask, box, output, attentionOut, threads,
        };
        command.Subcommands.Add(TrainCommand());
        command.Subcommands.Add(EvalCommand());
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            using var m = InpaintingModel.Load(parse.GetValue(model)!);
            var boxText = parse.GetValue(box);
            var (input, hole) = InpaintingInput.Load(parse.GetValue(image)!, parse.GetValue(mask),
                boxText is null ? null : InpaintingInput.ParseBox(boxText), m.ImageSize);
            var attentionDir = parse.GetValue(attentionOut);
            var result = m.Fill(input, hole, keepAttention: attentionDir is not null);
            var outPath = parse.GetValue(output)!;
            Spotlight.IO.AtomicFile.WriteAllBytes(outPath, AttentionReport.Png(result.Composite), flushToDisk: false);
            AnsiConsole.MarkupLine($"filled {hole.Ratio:P1} of a {m.ImageSize}x{m.ImageSize} image: [bold]{Markup.Escape(outPath)}[/]");
            if (attentionDir is not null)
            {
                AttentionReport.Write(attentionDir, input, hole, result);
                AnsiConsole.MarkupLine($"attention pictures: [bold]{Markup.Escape(Path.Combine(attentionDir, "attention.html"))}[/]");
            }
            return 0;
        }));
        return command;
    }

    private static Command TrainCommand()
    {
        var images = new Option<string?>("--images") { Description = "folder of photos (splits by position: 8/10 train, 1/10 val, 1/10 test)" };
        var synthetic = new Option<bool>("--synthetic") { Description = "train on the generated repetitive textures instead" };
        var syntheticCount = new Option<int>("--synthetic-count") { Description = "number of synthetic training textures", DefaultValueFactory = _ => 4000 };
        var run = new TrainingOptions("best model (validation PSNR); .last.spotlight, .checkpoint, .log.jsonl, .curves.png go beside it",
            learningRate: 5e-4, batchSize: 16);
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 64 };
        size.AcceptOnlyFromAmong("64", "128");
        var masks = new Option<string>("--masks") { Description = "mask families to train on: centre,boxes,strokes", DefaultValueFactory = _ => "centre,boxes,strokes" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 20_000 };
        var channels = new Option<int>("--channels") { Description = "channels of the first level (doubling, capped at 4×)", DefaultValueFactory = _ => 32 };
        var gated = new Option<bool>("--gated") { Description = "gated convolutions (DeepFill v2) instead of plain ones" };
        var noAttention = new Option<bool>("--no-attention") { Description = "identity skips: the ablation without attention transfer" };
        var noFuse = new Option<bool>("--no-fuse") { Description = "turn off DeepFill's score propagation" };
        var crossScale = new Option<bool>("--cross-scale") { Description = "also draw keys from the maps halved (PANet)" };
        var discounted = new Option<bool>("--discounted-l1") { Description = "spatially discounted hole L1 (DeepFill v1, γ = 0.9)" };
        var gan = new Option<double>("--gan-weight") { Description = "hinge-GAN weight (0 = off)", DefaultValueFactory = _ => 0 };
        var validateEvery = new Option<int>("--validate-every") { DefaultValueFactory = _ => 500 };
        var threads = CommonOptions.Threads();
        var command = new Command("train", "Train a PEN-Net-style inpainting network on photos or synthetic textures.")
        {
            images, synthetic, syntheticCount, size, masks, steps, channels, gated, noAttention, noFuse,
            crossScale, discounted, gan, validateEvery, threads,
        };
        run.AddTo(command);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var settings = run.Read(parse);
            var folder = parse.GetValue(images);
            if ((folder is null) == !parse.GetValue(synthetic)) throw new SpotlightException("give exactly one of --images DIR or --synthetic");
            int s = parse.GetValue(size);
            long dataSeed = settings.Seed;
            var train = InpaintingImages.Load(folder, "train", s, parse.GetValue(syntheticCount), dataSeed);
            var validation = InpaintingImages.Load(folder, "val", s, 64, dataSeed, maxImages: 64);
            int c = parse.GetValue(channels);
            var config = new InpaintingConfig(s, c, 4 * c, parse.GetValue(gated),
                parse.GetValue(noAttention) ? SkipKind.Identity : SkipKind.AttentionTransfer,
                new ContextualAttentionOptions(Fuse: !parse.GetValue(noFuse), CrossScales: parse.GetValue(crossScale) ? [0.5] : null));
            var options = new InpaintingTrainingOptions
            {
                Steps = parse.GetValue(steps), BatchSize = settings.BatchSize!.Value, LearningRate = settings.LearningRate, Seed = dataSeed,
                Masks = MaskGenerator.ParseFamilies(parse.GetValue(masks)!), ValidateEvery = parse.GetValue(validateEvery),
                Loss = new InpaintingLossWeights(Adversarial: parse.GetValue(gan), SpatialDiscount: parse.GetValue(discounted)),
                TimeBudget = settings.TimeBudget,
            };
            AnsiConsole.MarkupLine($"training on {train.Count} images ({Markup.Escape(train.Source)}), validating on {validation.Count}");
            var (modelPath, resumeFrom) = (settings.ModelPath, settings.Resume);
            var result = TrainingProgress.Run<InpaintingStepReport, InpaintingValidationReport, InpaintingTrainingResult>(0, display =>
                TrainingRun.WithLog(modelPath, resumeFrom is not null,
                    observer => new InpaintingTrainer(train, validation, config, options, observer).Train(modelPath, resumeFrom),
                    InpaintingCurves.Write, display));
            AnsiConsole.MarkupLine($"best model: [bold]{Markup.Escape(result.BestModelPath)}[/] (validation PSNR {result.BestPsnr:F2} dB); {Markup.Escape(result.StopReason)}");
            return 0;
        }));
        return command;
    }

    private static Command EvalCommand()
    {
        var model = new Argument<string[]>("MODEL") { Description = "inpainting model files (e.g. the attention model and its no-attention ablation)", Arity = ArgumentArity.ZeroOrMore };
        var images = new Option<string?>("--images") { Description = "folder of photos" };
        var synthetic = new Option<bool>("--synthetic") { Description = "evaluate on held-out synthetic textures" };
        var split = new Option<string>("--split") { Description = "train | val | test | all (for --images; test = every 10th file)", DefaultValueFactory = _ => "test" };
        var count = new Option<int>("--count") { Description = "at most this many images (0 = all; synthetic default 200)", DefaultValueFactory = _ => 0 };
        var size = new Option<int?>("--size") { Description = "image size when no model is given (baselines only)" };
        var masks = new Option<string>("--masks") { Description = "centre | boxes | strokes (comma-separated to mix)", DefaultValueFactory = _ => "centre" };
        var baselines = new Option<bool>("--baselines") { Description = "also run OpenCV Telea, Navier-Stokes and known-region mean fill" };
        var seed = new Option<long>("--seed") { Description = "mask seed", DefaultValueFactory = _ => 7 };
        var window = new Option<int>("--ssim-window") { Description = "Gaussian SSIM window (σ 1.5); SSIM-51 (PEN-Net) is added when the image allows", DefaultValueFactory = _ => 7 };
        var html = new Option<string?>("--html") { Description = "HTML page of the table and side-by-side examples" };
        var examples = new Option<int>("--examples") { Description = "examples kept for --html and --grid", DefaultValueFactory = _ => 12 };
        var grid = new Option<string?>("--grid") { Description = "PNG of the examples: a row per image; input, each method, ground truth" };
        var threads = CommonOptions.Threads();
        var command = new Command("eval", "Score inpainting models and baselines per hole-ratio bin: hole MAE×100, PSNR, SSIM.")
        {
            model, images, synthetic, split, count, size, masks, baselines, seed, window, html, examples, grid, threads,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var models = (parse.GetValue(model) ?? []).Select(p => (Path: p, Model: InpaintingModel.Load(p))).ToList();
            try
            {
                int s = models.Count > 0 ? models[0].Model.ImageSize : parse.GetValue(size) ?? throw new SpotlightException("give a model or --size");
                if (models.Any(m => m.Model.ImageSize != s)) throw new SpotlightException("all models must have the same image size");
                var folder = parse.GetValue(images);
                if ((folder is null) == !parse.GetValue(synthetic)) throw new SpotlightException("give exactly one of --images DIR or --synthetic");
                int n = parse.GetValue(count);
                var data = InpaintingImages.Load(folder, parse.GetValue(split)!, s, n > 0 ? n : 200, seed: 1, maxImages: n);
                var methods = models.Select(m => InpaintingEvaluation.ModelMethod(
                    $"{Path.GetFileNameWithoutExtension(m.Path)} ({(m.Model.Config.Skips == SkipKind.Identity ? "no attention" : "attention")})", m.Model)).ToList();
                if (parse.GetValue(baselines)) methods.AddRange(InpaintingEvaluation.Baselines());
                var families = MaskGenerator.ParseFamilies(parse.GetValue(masks)!);
                var result = AnsiConsole.Progress().AutoClear(true).Start(ctx =>
                {
                    var task = ctx.AddTask("evaluating", maxValue: data.Count);
                    return InpaintingEvaluation.Run(data, methods, families, parse.GetValue(seed), new SsimOptions(Window: parse.GetValue(window)),
                        parse.GetValue(examples), new Progress<int>(i => task.Value = i));
                });
                Print(result, data);
                if (parse.GetValue(html) is string page)
                {
                    EvaluationPage.Write(page, result, $"Inpainting evaluation: {data.Source}");
                    Spotlight.IO.AtomicFile.WriteAllText(Path.ChangeExtension(page, ".md"), EvaluationPage.Markdown(result));
                    AnsiConsole.MarkupLine($"examples: [bold]{Markup.Escape(page)}[/]");
                }
                if (parse.GetValue(grid) is string picture)
                {
                    Spotlight.IO.AtomicFile.WriteAllBytes(picture, AttentionReport.Png(EvaluationPage.ExampleGrid(result)), flushToDisk: false);
                    AnsiConsole.MarkupLine($"example grid ({Markup.Escape(string.Join(", ", ["input", .. result.Methods, "ground truth"]))}): [bold]{Markup.Escape(picture)}[/]");
                }
                return 0;
            }
            finally
            {
                foreach (var m in models) m.Model.Dispose();
            }
        }));
        return command;
    }

    private static void Print(InpaintingEvaluationResult result, InpaintingImages data)
    {
        var table = new Table().AddColumns("hole ratio", "method", "images", "hole MAE×100", "PSNR (dB)", $"SSIM ({result.Ssim.Describe()})");
        if (result.HasPenNetSsim) table.AddColumn("SSIM-51");
        foreach (var row in result.Rows)
        {
            var cells = new List<string> { row.Bin?.ToString() ?? "all", Markup.Escape(row.Method), row.Images.ToString(), $"{row.HoleMae100:F2}", $"{row.Psnr:F2}", $"{row.Ssim:F4}" };
            if (result.HasPenNetSsim) cells.Add(row.SsimPenNet is double v ? $"{v:F4}" : "");
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.MarkupLine($"{data.Count} images from {Markup.Escape(data.Source)}, masks {result.Masks}");
        AnsiConsole.Write(table);
    }

    /// <summary>Progress bar lines for a training run.</summary>
}
