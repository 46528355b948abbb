using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spotlight.Classification;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight classify synth|train|eval|predict</c>: image classification with the CNN, a ViT or a pretrained encoder.</summary>
public static class ClassifyCommand
{
    public static Command Create()
    {
        var command = new Command("classify", "Image classification on image folders (one folder per class) with the small CNN, a Vision Transformer or a pretrained encoder.");
        command.Subcommands.Add(Synth());
        command.Subcommands.Add(FromCaptions());
        command.Subcommands.Add(Train());
        command.Subcommands.Add(Eval());
        command.Subcommands.Add(Predict());
        return command;
    }

    private static Command Synth()
    {
        var output = new Option<string>("--out") { Description = "folder for train/, val/ and test/, one folder per shape", Required = true };
        var train = new Option<int>("--train") { Description = "training images per class", DefaultValueFactory = _ => 300 };
        var val = new Option<int>("--val") { Description = "validation images per class", DefaultValueFactory = _ => 40 };
        var test = new Option<int>("--test") { Description = "test images per class", DefaultValueFactory = _ => 80 };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 32 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1 };
        var maxObjects = new Option<int>("--max-objects") { Description = "shapes per scene, 1 to this (1: the shape alone)", DefaultValueFactory = _ => 3 };
        var byColour = new Option<bool>("--by-colour") { Description = "label by the largest object's colour (red, green, blue, yellow) instead of its shape" };
        var command = new Command("synth", "Synthetic scenes labelled with the shape of their largest object (circle, square, triangle, star), balanced per split.")
        {
            output, train, val, test, size, seed, maxObjects, byColour,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var written = SyntheticClasses.Generate(new SyntheticClasses.Config(parse.GetValue(train), parse.GetValue(val), parse.GetValue(test),
                parse.GetValue(size), parse.GetValue(seed), MaxObjects: parse.GetValue(maxObjects), ByColour: parse.GetValue(byColour)), parse.GetValue(output)!);
            Console.WriteLine($"wrote {string.Join(", ", written.Select(p => $"{p.Value} {p.Key}"))} images to {parse.GetValue(output)}");
            return 0;
        }));
        return command;
    }

    private static Command FromCaptions()
    {
        var data = new Option<string>("--data") { Description = "a captioning data set (Flickr8k/30k, COCO, Karpathy; as spotlight train reads them)", Required = true };
        var output = new Option<string>("--out") { Description = "folder for train/, val/ and test/, one folder per class (the photos are linked, or copied)", Required = true };
        var classes = new Option<string>("--classes") { Description = "the classes, comma-separated; dog, bicycle, snow and beach come with synonyms, others match the word and its plural", DefaultValueFactory = _ => "dog,bicycle,snow,beach" };
        var minCaptions = new Option<int>("--min-captions") { Description = "a photo is in a class when this many of its captions name it (and no other class reaches it)", DefaultValueFactory = _ => 3 };
        var copy = new Option<bool>("--copy") { Description = "copy the photos instead of linking them" };
        var format = CommonOptions.DataFormat();
        var imagesFolder = CommonOptions.ImagesFolder();
        var command = new Command("from-captions", "A real-photo classification task from a captioning data set: each photo whose captions name exactly one of the classes.")
        {
            data, output, classes, minCaptions, copy, format, imagesFolder,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var dataset = Spotlight.Captioning.Data.CaptionDataset.Load(parse.GetValue(data)!, parse.GetValue(imagesFolder), parse.GetValue(format));
            var config = CaptionClasses.Config.Of(parse.GetValue(classes)!.Split(','), parse.GetValue(minCaptions));
            var summary = CaptionClasses.Write(dataset, config, parse.GetValue(output)!, parse.GetValue(copy));
            foreach (var (split, counts) in summary.Counts)
                Console.WriteLine($"{split}: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
            Console.WriteLine($"left out: {summary.Ambiguous} photos naming two classes, {summary.Unnamed} naming none; {(summary.Copied ? "copied" : "linked")} into {parse.GetValue(output)}");
            return 0;
        }));
        return command;
    }

    private static Command Train()
    {
        var data = new Option<string>("--data") { Description = "an image folder: DIR/{train,val,test}/CLASS/* or DIR/CLASS/* (split 80/10/10)", Required = true };
        var encoder = new Option<string>("--encoder") { Description = "cnn (small, from scratch), vit (a small Vision Transformer, from scratch) or pretrained (with --encoder-weights)", DefaultValueFactory = _ => "cnn" };
        encoder.AcceptOnlyFromAmong("cnn", "vit", "pretrained");
        var weights = new Option<string?>("--encoder-weights") { Description = "an encoder file from `spotlight weights import` (implies --encoder pretrained)" };
        var fineTune = new Option<int>("--fine-tune-blocks") { Description = "with a pretrained encoder: its last N blocks learn too (0 = a linear probe)", DefaultValueFactory = _ => 0 };
        var imageSize = new Option<int>("--image-size") { Description = "input side in pixels (default: the data's first image's width rounded down to a multiple of 32, within 32–128; 224 for a pretrained encoder)" };
        var patch = new Option<int?>("--patch-size") { Description = "ViT patch side (default: an eighth of the image, at least 4)" };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 30 };
        var run = new TrainingOptions("best model (validation accuracy); .last.spotlight, .checkpoint, .log.jsonl, .curves.png go beside it", learningRate: 1e-3, batchSize: 64);
        var threads = CommonOptions.Threads();
        var command = new Command("train", "Train a classifier on the shared training loop (Adam, warm-up + cosine, flips), keeping the best validation accuracy.")
        {
            data, encoder, weights, fineTune, imageSize, patch, epochs, threads,
        };
        run.AddTo(command);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var settings = run.Read(parse);
            var set = ImageFolderData.Load(parse.GetValue(data)!, settings.Seed);
            foreach (var notice in set.Notices.Take(5)) CommonOptions.Notice(notice);
            var config = Config(parse.GetValue(weights) is null ? parse.GetValue(encoder)! : "pretrained", parse.GetValue(weights), parse.GetValue(fineTune),
                parse.GetResult(imageSize) is { Implicit: false } ? parse.GetValue(imageSize) : null, parse.GetValue(patch), set);
            var options = new ClassifierTrainingOptions(parse.GetValue(epochs), settings.BatchSize!.Value, settings.LearningRate, Seed: settings.Seed, TimeBudget: settings.TimeBudget)
            {
                EncoderWeights = config.Encoder == ClassifierEncoder.Pretrained ? parse.GetValue(weights) : null,
            };
            AnsiConsole.MarkupLine(Markup.Escape($"training a {config.Encoder.ToString().ToLowerInvariant()} classifier ({config.ImageSize} px) on {set.Split("train").Count} images of {set.Classes.Count} classes ({string.Join(", ", set.Classes)})"));
            var result = TrainingProgress.Run<ClassifierStepReport, ClassifierValidationReport, ClassifierTrainingResult>(options.Epochs, display =>
                ClassifierTrainer.TrainWithLog(set, config, options, settings.ModelPath, settings.Resume, display));
            AnsiConsole.MarkupLine($"best model: [bold]{Markup.Escape(result.BestModelPath)}[/] (validation accuracy {result.BestAccuracy:P1}); {result.Elapsed.TotalMinutes:F1} min; {Markup.Escape(result.StopReason)}");
            return 0;
        }));
        return command;
    }

    /// <summary>The classifier's config from the options; the image size defaults to the data's first training image.</summary>
    private static ClassifierConfig Config(string encoder, string? weights, int fineTune, int? imageSize, int? patch, ImageFolderData set)
    {
        if (encoder == "pretrained")
        {
            if (weights is null) throw new SpotlightException("--encoder pretrained needs --encoder-weights ENC (from `spotlight weights import`)");
            var description = EncoderWeights.Describe(weights);
            return new ClassifierConfig(set.Classes.Count, ClassifierEncoder.Pretrained,
                Pretrained: new PretrainedEncoderConfig(description.Arch, description.Alpha, imageSize ?? 224, fineTune));
        }
        var first = set.Split("train")[0].Path;
        int size = imageSize ?? Math.Clamp(ImageHeader.Probe(first).DisplayWidth / 32 * 32, 32, 128);   // a photo folder must not make a 3000 px model
        return encoder == "vit"
            ? new ClassifierConfig(set.Classes.Count, ClassifierEncoder.Vit, Vit: ClassifierConfig.SmallVit(size) with { PatchSize = patch ?? ClassifierConfig.SmallVit(size).PatchSize })
            : new ClassifierConfig(set.Classes.Count, ClassifierEncoder.Cnn, Cnn: new SmallCnnConfig(size));
    }

    private static Command Eval()
    {
        var model = new Argument<string>("MODEL") { Description = "a classifier .spotlight file" };
        var data = new Option<string>("--data") { Description = "an image folder with the model's classes", Required = true };
        var split = new Option<string>("--split") { DefaultValueFactory = _ => "test" };
        var json = new Option<bool>("--json") { Description = "accuracy, per-class accuracy and the confusion matrix as JSON" };
        var seed = new Option<long?>("--seed") { Description = "the seed that splits a flat DIR/CLASS/* folder (default: the one the model was trained with)" };
        var report = new Option<string?>("--report") { Description = "write an HTML page: the scores and examples (mistakes first) with, for a ViT, the class token's rollout and each block's attention" };
        var examplesCount = new Option<int>("--examples") { Description = "examples on the --report page", DefaultValueFactory = _ => 12 };
        var pointing = new Option<bool>("--pointing") { Description = "a ViT classifier on data with boxes.json (classify synth): how often the rollout's peak falls on the labelled object, against chance" };
        var threads = CommonOptions.Threads();
        var command = new Command("eval", "Accuracy overall and per class (and their mean), the majority-class rate, the confusion matrix; with --pointing the rollout pointing game.")
        {
            model, data, split, json, seed, pointing, report, examplesCount, threads,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            using var m = ClassifierModel.Load(parse.GetValue(model)!);
            var set = ImageFolderData.Load(parse.GetValue(data)!, parse.GetValue(seed) ?? m.SplitSeed);
            if (!set.Classes.SequenceEqual(m.Labels))
                throw new SpotlightException($"{parse.GetValue(data)}: classes {string.Join(", ", set.Classes)} are not the model's ({string.Join(", ", m.Labels)})");
            var examples = new ClassifierExamples(set.Split(parse.GetValue(split)!), m.Preprocessing);
            var predicted = ClassifierEvaluation.Predict(m, examples);
            var scores = ClassifierEvaluation.Score(m.Labels, examples.Items, predicted);
            var rollout = parse.GetValue(pointing) ? RolloutPointing.Score(m, examples, set.Directory) : null;
            if (parse.GetValue(report) is { } reportDir)
                CommonOptions.Notice($"report: {ClassifierReport.Write(reportDir, m, examples, predicted, scores, rollout, parse.GetValue(examplesCount))}");
            if (parse.GetValue(json))
            {
                Console.WriteLine(Spotlight.IO.FiniteJson.Serialize(new
                {
                    images = scores.Images, accuracy = scores.Accuracy, balanced_accuracy = scores.BalancedAccuracy, majority = scores.Majority, chance = 1.0 / m.Labels.Count,
                    per_class = scores.PerClass.Select(c => new { label = c.Label, images = c.Images, accuracy = c.Accuracy }), confusion = scores.Confusion, labels = m.Labels,
                    pointing = rollout is null ? null : new { images = rollout.Images, hits = rollout.Hits, accuracy = rollout.Accuracy, chance = rollout.Chance },
                }));
                return 0;
            }
            var table = new Table().Title(Markup.Escape($"{parse.GetValue(split)}: accuracy {scores.Accuracy:P1} of {scores.Images} images, mean per class {scores.BalancedAccuracy:P1} (majority class {scores.Majority:P1}, chance {1.0 / m.Labels.Count:P1})")).AddColumn("true \\ predicted");
            foreach (var label in m.Labels) table.AddColumn(new TableColumn(Markup.Escape(label)).RightAligned());
            table.AddColumn(new TableColumn("accuracy").RightAligned());
            for (int c = 0; c < m.Labels.Count; c++)
                table.AddRow([Markup.Escape(m.Labels[c]), .. scores.Confusion[c].Select(n => n.ToString(CultureInfo.InvariantCulture)), scores.PerClass[c].Accuracy.ToString("P1", CultureInfo.InvariantCulture)]);
            AnsiConsole.Write(table);
            if (rollout is not null)
                Console.WriteLine($"rollout pointing: {rollout.Accuracy:P1} of {rollout.Images} images (chance {rollout.Chance:P1})");
            return 0;
        }));
        return command;
    }

    private static Command Predict()
    {
        var model = new Argument<string>("MODEL") { Description = "a classifier .spotlight file" };
        var images = new Argument<string[]>("IMAGE") { Description = "image files", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top") { DefaultValueFactory = _ => 3 };
        var attentionOut = new Option<string?>("--attention-out") { Description = "a ViT classifier: write each image's attention rollout (the class token's) as a PNG overlay here" };
        var command = new Command("predict", "The most likely classes of each image, and a ViT's attention rollout.") { model, images, top, attentionOut };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            using var m = ClassifierModel.Load(parse.GetValue(model)!);
            var predictions = m.Predict(parse.GetValue(images)!, parse.GetValue(top));
            foreach (var p in predictions)
            {
                Console.WriteLine($"{p.Source}\t{string.Join("\t", p.Top.Select(t => $"{t.Label} {t.Probability:F3}"))}");
                if (parse.GetValue(attentionOut) is { } dir && p.Rollout is { } rollout)
                {
                    Directory.CreateDirectory(dir);
                    using var image = ImageTensor.ToBitmap(ImageTensor.Load(p.Source, m.Preprocessing), m.Preprocessing);
                    using var overlay = AttentionOverlay.Render(image, rollout, p.GridHeight, p.GridWidth);
                    var file = Path.Combine(dir, Path.GetFileNameWithoutExtension(p.Source) + ".rollout.png");
                    PngFile.Save(overlay, file);
                    CommonOptions.Notice($"rollout: {file}");
                }
            }
            return 0;
        }));
        return command;
    }
}
