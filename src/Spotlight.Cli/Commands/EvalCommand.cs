using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spotlight.Captioning;
using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Metrics.Ptb;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight eval MODEL --data PATH</c>: generated captions scored with the COCO metrics.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "a .spotlight captioning model" };
        var data = new Option<string>("--data") { Description = "data set: a folder (captions.json + splits.json, or Flickr token and split files) or a COCO/Karpathy JSON file", Required = true };
        var split = new Option<string>("--split") { DefaultValueFactory = _ => "test" };
        var decoding = new DecodingOptions();
        var results = new Option<string?>("--results") { Description = "write captions in COCO results format ([{image_id, caption}])" };
        var json = new Option<bool>("--json") { Description = "print the scores as JSON" };
        var threads = CommonOptions.Threads();
        var runtime = CommonOptions.EncoderRuntime();
        var decoderRuntime = CommonOptions.DecoderRuntime();
        var format = CommonOptions.DataFormat();
        var imageRoot = new Option<string?>("--images") { Description = "folder the data set's image names are relative to" };
        var report = new Option<string?>("--report") { Description = "write an HTML page of example captions with per-word attention maps to this folder" };
        var examples = new Option<int>("--examples") { Description = "images in the --report page", DefaultValueFactory = _ => 10 };
        var instances = new Option<string?>("--instances") { Description = "COCO instances JSON (boxes): play the pointing game on its photos instead (--data is then their folder; no captions needed)" };
        var command = new Command("eval", "Caption a dataset split and score the captions (BLEU-1..4, METEOR, ROUGE-L, CIDEr-D, grounding).")
        {
            model, data, split, results, json, threads, format, imageRoot, report, examples, runtime, decoderRuntime, instances,
        };
        decoding.AddTo(command);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            if (parse.GetValue(examples) < 0) throw new SpotlightException($"--examples must be 0 or more, got {parse.GetValue(examples)}");
            using var captioner = CaptionModel.Load(parse.GetValue(model)!);
            captioner.Network.EncoderRuntime = CommonOptions.ParseEncoderRuntime(parse.GetValue(runtime)!);
            captioner.Network.DecoderRuntime = CommonOptions.ParseEncoderRuntime(parse.GetValue(decoderRuntime)!);
            var decode = decoding.Read(parse);
            if (parse.GetValue(instances) is string boxes)
                return Pointing(PointingGame.RunWithLayers(captioner, PointingGame.LoadInstances(boxes, parse.GetValue(imageRoot) ?? parse.GetValue(data)!), decode),
                    parse.GetValue(json), $"pointing game on {boxes}, beam {decode.Beam}");
            var dataset = CaptionDataset.Load(parse.GetValue(data)!, parse.GetValue(imageRoot), parse.GetValue(format));
            var images = dataset.Split(parse.GetValue(split)!).Images;
            if (images.Count == 0) throw new SpotlightException($"{dataset.Source}: split '{parse.GetValue(split)}' is empty");
            var objectsFile = Path.Combine(parse.GetValue(data)!, SyntheticDataset.ObjectsFile);
            var objects = File.Exists(objectsFile) ? SyntheticObjects.Load(objectsFile) : null;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var evaluation = CaptionEvaluation.Evaluate(captioner, images, decode, objects,
                tokenizer: PtbTokenizer.Instance);
            if (parse.GetValue(results) is string path) WriteResults(path, evaluation);
            string title = $"{parse.GetValue(split)} split, {(decode.Sampling is null ? $"beam {decode.Beam}" : "sampled")}";
            if (parse.GetValue(report) is string dir)
            {
                var items = evaluation.Captions.Take(Math.Max(0, parse.GetValue(examples)))
                    .Select(c => new AttentionReportItem(c.Image.ImagePath, c.Result, c.Image.Captions)).ToList();
                var index = AttentionReport.Write(dir, items, $"{Path.GetFileName(parse.GetValue(model))} on {dataset.Source}, {title}");
                CommonOptions.Notice($"report: {index}");
            }
            if (parse.GetValue(json)) Console.WriteLine(Spotlight.IO.FiniteJson.Serialize(evaluation.Scores));
            else
            {
                AnsiConsole.Write(ScoreTable(evaluation.Scores, $"{title}, {clock.Elapsed.TotalSeconds:F0} s"));
                if (evaluation.Scores.Attributes.Any(a => a.Mentions + a.HumanMentions > 0)) AnsiConsole.Write(AttributeTable(evaluation.Scores.Attributes));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The pointing table of the captions' maps, then (a Transformer) each layer's overall row. JSON: one row per
    /// category and maps ("average", or "layer N" with category "all").
    /// </summary>
    private static int Pointing(IReadOnlyList<(string Maps, IReadOnlyList<PointingScore> Scores)> runs, bool json, string title)
    {
        var rows = runs[0].Scores;
        if (json)
        {
            var all = runs.SelectMany((run, i) => (i == 0 ? run.Scores : run.Scores.Take(1)).Select(r => new
            {
                maps = run.Maps, category = r.Category, words = r.Words, hits = r.Hits, accuracy = r.Accuracy, chance = r.Chance, absent = r.Absent,
            }));
            Console.WriteLine(Spotlight.IO.FiniteJson.Serialize(all));
            return 0;
        }
        string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F3", CultureInfo.InvariantCulture);
        var table = new Table().Title(Markup.Escape(title)).AddColumn("category").AddColumn(new TableColumn("words").RightAligned())
            .AddColumn(new TableColumn("pointing").RightAligned()).AddColumn(new TableColumn("chance").RightAligned())
            .AddColumn(new TableColumn("named, absent").RightAligned());
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Category), r.Words.ToString(CultureInfo.InvariantCulture), F(r.Accuracy), F(r.Chance), r.Absent.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        if (runs.Count > 1)
        {
            var layers = new Table().Title("each decoder layer's cross-attention, heads averaged (same captions)").AddColumn("maps")
                .AddColumn(new TableColumn("words").RightAligned()).AddColumn(new TableColumn("pointing").RightAligned()).AddColumn(new TableColumn("chance").RightAligned());
            foreach (var (maps, scores) in runs)
                layers.AddRow(Markup.Escape(maps), scores[0].Words.ToString(CultureInfo.InvariantCulture), F(scores[0].Accuracy), F(scores[0].Chance));
            AnsiConsole.Write(layers);
        }
        return 0;
    }

    public static Table ScoreTable(CaptionScores s, string title)
    {
        string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F3", CultureInfo.InvariantCulture);
        var table = new Table().Title(Markup.Escape(title)).AddColumn("metric").AddColumn(new TableColumn("score").RightAligned());
        table.AddRow("BLEU-1", F(s.Bleu1)).AddRow("BLEU-2", F(s.Bleu2)).AddRow("BLEU-3", F(s.Bleu3)).AddRow("BLEU-4", F(s.Bleu4));
        table.AddRow("METEOR", s.Meteor is double m ? F(m) : "n/a");
        table.AddRow("ROUGE-L", F(s.RougeL)).AddRow("CIDEr-D", F(s.CiderD));
        if (s.Grounding.Words > 0)
        {
            table.AddRow("grounding accuracy", F(s.Grounding.Accuracy));
            table.AddRow("grounding chance", F(s.Grounding.Chance));
        }
        if (s.Faults.Captions > 0)
        {
            table.AddRow("bad endings", F(s.Faults.BadEndings));
            table.AddRow("repetitions", F(s.Faults.Repetitions));
        }
        table.AddRow("images", s.Images.ToString(CultureInfo.InvariantCulture));
        return table;
    }

    public static Table AttributeTable(IReadOnlyList<AttributeAgreement> rows)
    {
        string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("P1", CultureInfo.InvariantCulture);
        var table = new Table().Title("gender, colour and number words against the references (all but the first), beside the first reference's")
            .AddColumn("words").AddColumn(new TableColumn("captions: mentions").RightAligned()).AddColumn(new TableColumn("supported").RightAligned())
            .AddColumn(new TableColumn("contradicted").RightAligned()).AddColumn(new TableColumn("first reference: mentions").RightAligned())
            .AddColumn(new TableColumn("supported").RightAligned()).AddColumn(new TableColumn("contradicted").RightAligned());
        foreach (var a in rows)
            table.AddRow(a.Kind, a.Mentions.ToString(CultureInfo.InvariantCulture), F(a.Supported), F(a.Contradicted),
                a.HumanMentions.ToString(CultureInfo.InvariantCulture), F(a.HumanSupported), F(a.HumanContradicted));
        return table;
    }

    /// <summary>COCO results format; the id is written as a number when the dataset's id is numeric.</summary>
    public static void WriteResults(string path, CaptionEvaluationReport report)
    {
        var rows = report.Captions.Select(c => new Dictionary<string, object>
        {
            ["image_id"] = long.TryParse(c.Image.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : c.Image.Id,
            ["caption"] = c.Result.Caption,
        });
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(rows));
        File.Move(temp, path, overwrite: true);
    }
}
