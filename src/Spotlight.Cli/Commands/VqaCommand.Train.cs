using System.CommandLine;
using Spectre.Console;
using Spotlight.Vision.Encoders;
using Spotlight.Vqa;
using Spotlight.Vqa.Data;

namespace Spotlight.Cli.Commands;

public static partial class VqaCommand
{
    private const string DataDescription = "a set from `spotlight vqa synth`, or a folder in the VQA v2 layout (v2_OpenEnded_mscoco_train2014_questions.json, v2_mscoco_train2014_annotations.json, train2014/, and the same for val2014)";

    private static Command Train()
    {
        var data = new Option<string>("--data") { Description = DataDescription, Required = true };
        var model = new Option<string>("--model") { Description = "stacked (attention), no-attention, blind or co-attention (MCAN-style; --hops = layers)", DefaultValueFactory = _ => "stacked" };
        model.AcceptOnlyFromAmong("stacked", "no-attention", "blind", "co-attention");
        var hops = new Option<int>("--hops") { Description = "attention hops (K)", DefaultValueFactory = _ => 2 };
        var relative = new Option<bool>("--relative-positions") { Description = "stacked: each hop also sees where regions lie relative to the previous hop's focus (for \"left of\", \"above\" …); `--relative-positions false` for Yang et al.'s hops", DefaultValueFactory = _ => true };
        var counting = new Option<bool>("--counting") { Description = "stacked: each hop adds a soft count of the regions that match its query (for \"how many\", \"more … than\"; off by default: it measured no gain)" };
        var lastHop = new Option<bool>("--answer-from-last-hop") { Description = "stacked: the answer is read from the question and the last hop's glimpse only, so the last hop's map shows what the answer came from; `--answer-from-last-hop false` reads Yang et al.'s refined query (the sum of every hop's glimpse)", DefaultValueFactory = _ => true };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 30 };
        var patience = new Option<int>("--plateau-patience") { Description = "halve the learning rate after this many validations without a better accuracy", DefaultValueFactory = _ => new VqaTrainingOptions().PlateauPatience };
        var minAnswers = new Option<int>("--min-answer-count") { Description = "answers seen fewer times in training are not classes; their questions are left out of training (VQA v2: 9)", DefaultValueFactory = _ => 1 };
        var family = new Option<string?>("--family") { Description = "train on one question family only (e.g. query_colour)" };
        var run = new TrainingOptions("best model (validation accuracy); .last.spotlight, .checkpoint, .log.jsonl, .curves.png go beside it",
            learningRate: 2e-3, batchSize: 32);   // the rate of every measured run in docs/vqa.md
        var encoderWeights = new Option<string?>("--encoder-weights") { Description = "a pretrained encoder from `spotlight weights import` (kept frozen; its regions are computed once per image) instead of the small CNN" };
        var imageSize = new Option<int?>("--image-size") { Description = "with --encoder-weights: the side the scenes are resized to (default 224)" };
        var cache = new Option<string?>("--cache-features") { Description = "with --encoder-weights: keep the encoder's region features in this folder between runs (the captioner's feature cache)" };
        var threads = CommonOptions.Threads();
        var command = new Command("train", "Train a stacked attention network (or a baseline) on a synthetic VQA set or VQA v2; --batch-size counts images, each with all its questions.")
        {
            data, model, hops, relative, counting, lastHop, epochs, patience, family, minAnswers, encoderWeights, imageSize, cache, threads,
        };
        run.AddTo(command);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var settings = run.Read(parse);
            var set = VqaDataset.Load(parse.GetValue(data)!);
            if (parse.GetValue(family) is { } name)
            {
                var only = VqaFamilies.Parse(name) ?? throw new SpotlightException($"--family: unknown family '{name}' (expected {string.Join(", ", VqaFamilies.All.Select(VqaFamilies.Name))})");
                set = set.Where(q => q.Family == only);
            }
            var config = new VqaConfig(Model: parse.GetValue(model) switch
            {
                "blind" => VqaModelKind.Blind, "no-attention" => VqaModelKind.NoAttention, "co-attention" => VqaModelKind.CoAttention, _ => VqaModelKind.StackedAttention,
            }, Hops: parse.GetValue(hops));
            if (config.Model == VqaModelKind.StackedAttention)
                config = config with { RelativePositions = parse.GetValue(relative), Counting = parse.GetValue(counting), AnswerFromLastHop = parse.GetValue(lastHop) };
            if (parse.GetValue(encoderWeights) is { } weights)
            {
                var description = EncoderWeights.Describe(weights);
                config = config with { Pretrained = new PretrainedEncoderConfig(description.Arch, description.Alpha, parse.GetValue(imageSize) ?? 224) };
            }
            else if (parse.GetValue(imageSize) is not null || parse.GetValue(cache) is not null)
                throw new SpotlightException("--image-size and --cache-features go with --encoder-weights (a pretrained encoder)");
            var options = new VqaTrainingOptions(Epochs: parse.GetValue(epochs), BatchImages: settings.BatchSize!.Value,
                LearningRate: settings.LearningRate, Seed: settings.Seed, TimeBudget: settings.TimeBudget)
            {
                EncoderWeights = parse.GetValue(encoderWeights), FeatureCache = parse.GetValue(cache), MinAnswerCount = parse.GetValue(minAnswers),
                PlateauPatience = parse.GetValue(patience),
            };
            AnsiConsole.MarkupLine($"training a {Markup.Escape(parse.GetValue(model)!)} model on {set.Split("train").Count} questions, validating on {Math.Min(set.Split("val").Count, options.ValidationQuestions)}");
            var result = TrainingProgress.Run<VqaStepReport, VqaValidationReport, VqaTrainingResult>(options.Epochs, display =>
                VqaTrainer.TrainWithLog(set, config, options, settings.ModelPath, settings.Resume, display));
            AnsiConsole.MarkupLine($"best model: [bold]{Markup.Escape(result.BestModelPath)}[/] (validation accuracy {result.BestAccuracy:P1}); {result.Elapsed.TotalMinutes:F1} min; {Markup.Escape(result.StopReason)}");
            return 0;
        }));
        return command;
    }

    private static Command Eval()
    {
        var model = new Argument<string>("MODEL") { Description = "a VQA .spotlight file" };
        var data = new Option<string>("--data") { Description = DataDescription, Required = true };
        var split = new Option<string?>("--split") { Description = "the split to score (default: test; VQA v2: val)" };
        var report = new Option<string?>("--report") { Description = "folder for index.html: scores and examples with each hop's attention" };
        var examples = new Option<int>("--examples") { Description = "examples per family on the report page", DefaultValueFactory = _ => 4 };
        var threads = CommonOptions.Threads();
        var command = new Command("eval", "Accuracy overall and per family, and pointing accuracy of the attention (with its chance level).")
        {
            model, data, split, report, examples, threads,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            using var m = VqaModel.Load(parse.GetValue(model)!);
            string splitName = parse.GetValue(split) ?? VqaDataset.DefaultEvaluationSplit(parse.GetValue(data)!);
            var set = VqaDataset.Load(parse.GetValue(data)!, splitName);
            // A frozen encoder's split is held as regions, computed once per image, not as pixels.
            using var examplesSet = VqaExamples.Load(set, splitName, m.QuestionVocabulary, m.AnswerIds, m.Preprocessing,
                regionsOf: m.Config.Pretrained is null ? null : m.EncodeFiles);
            var answers = VqaEvaluation.Run(m, examplesSet);
            var scores = VqaEvaluation.Score(set, examplesSet.Questions, answers);
            var table = new Table().AddColumn("family").AddColumn("questions").AddColumn("accuracy");
            table.AddRow("overall", scores.Questions.ToString(), $"{scores.Accuracy:P1}");
            foreach (var f in scores.Families) table.AddRow(VqaFamilies.Name(f), scores.PerFamily[f].Questions.ToString(), $"{scores.PerFamily[f].Accuracy:P1}");
            AnsiConsole.Write(table);
            Console.WriteLine(scores.Pointing is double p
                ? $"pointing (last hop peak inside the target's box): {p:P1} of {scores.PointingQuestions} questions; per hop {string.Join(", ", scores.PointingPerHop.Select(h => h.ToString("P1")))}; chance {scores.PointingChance:P1}"
                : m.Config.AttentionHops == 0 ? "pointing: this model has no attention" : "pointing: no question here is about one object with a box (VQA v2 has no boxes)");
            foreach (var (family, (questions, perHop)) in scores.PointingPerFamily)
                Console.WriteLine($"  {VqaFamilies.Name(family)}: {questions} questions, per hop {string.Join(", ", perHop.Select(h => h.ToString("P1")))}");
            if (examplesSet.Questions.Any(q => q.HumanAnswers is not null))
                Console.WriteLine("accuracy: the official VQA accuracy, min(#annotators who gave the answer / 3, 1) over the ten leave-one-out subsets, per answer type");
            if (parse.GetValue(report) is { } dir)
                Console.WriteLine($"report: {VqaReport.Write(dir, set, examplesSet.Questions, answers, scores, $"VQA: {Path.GetFileName(parse.GetValue(model))} on {splitName}", parse.GetValue(examples))}");
            return 0;
        }));
        return command;
    }

    private static Command Ask()
    {
        var model = new Argument<string>("MODEL") { Description = "a VQA .spotlight file" };
        var image = new Argument<string>("IMAGE") { Description = "the image to ask about" };
        var question = new Argument<string>("QUESTION") { Description = "e.g. \"what colour is the triangle?\"" };
        var top = new Option<int>("--top") { Description = "answers to list", DefaultValueFactory = _ => 5 };
        var attentionOut = new Option<string?>("--attention-out") { Description = "folder for index.html with each hop's attention map" };
        var threads = CommonOptions.Threads();
        var command = new Command("ask", "Answer a question about an image; prints the answer, its probability and the top answers.")
        {
            model, image, question, top, attentionOut, threads,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            if (parse.GetValue(top) < 1) throw new SpotlightException($"--top must be positive, got {parse.GetValue(top)}");
            using var m = VqaModel.Load(parse.GetValue(model)!);
            string path = parse.GetValue(image)!, text = parse.GetValue(question)!;
            m.EncodeQuestion(text);   // a bad question fails before the image is read
            var answer = m.Ask(path, text, parse.GetValue(top));
            Console.WriteLine($"{answer.Answer} ({answer.Probability:P1})");
            foreach (var t in answer.Top) Console.WriteLine($"  {t.Answer,-10} {t.Probability:P1}");
            if (parse.GetValue(attentionOut) is { } dir)
                Console.WriteLine($"attention: {Spotlight.Reports.TokenAttentionPage.Write(dir, [VqaReport.Item(Spotlight.Reports.ReportImage.FromFile(path), text, answer)], "VQA attention")}");
            return 0;
        }));
        return command;
    }
}
