using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spotlight.Metrics;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight score</c>: COCO caption metrics (BLEU-1..4, ROUGE-L, CIDEr-D, CIDEr) of results against references.</summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var refs = new Option<string>("--refs") { Description = "reference captions: COCO captions JSON or Karpathy split JSON", Required = true };
        var results = new Option<string>("--results") { Description = "results JSON: [{\"image_id\": ..., \"caption\": ...}]", Required = true };
        var tokenize = new Option<string>("--tokenize") { Description = "ptb (as the COCO code) or none (captions already tokenized)", DefaultValueFactory = _ => "ptb" };
        var metrics = new Option<string>("--metrics") { Description = "comma-separated: bleu, rouge, cider-d, cider", DefaultValueFactory = _ => CaptionMetrics.Default };
        var json = new Option<bool>("--json") { Description = "print a JSON summary instead of a table" };
        var perItem = new Option<string?>("--per-item") { Description = "write per-image scores to this JSONL file" };
        var worst = new Option<int>("--worst") { Description = "also list the N images with the lowest score (CIDEr-D if chosen, else the first metric)" };
        var allowMissing = new Option<bool>("--allow-missing") { Description = "score only the reference images that have a result instead of failing" };
        var split = new Option<string?>("--split") { Description = "Karpathy file only: use the images of this split (e.g. test)" };

        var command = new Command("score", "Score captions with the COCO caption metrics (same numbers as pycocoevalcap).");
        foreach (var option in new Option[] { refs, results, tokenize, metrics, json, perItem, worst, allowMissing, split }) command.Options.Add(option);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var tokenization = parse.GetValue(tokenize) switch
            {
                "ptb" => CaptionTokenization.Ptb,
                "none" => CaptionTokenization.None,
                var other => throw new SpotlightException($"--tokenize {other}: expected ptb or none"),
            };
            var worstCount = parse.GetValue(worst);
            if (worstCount < 0) throw new SpotlightException($"--worst {worstCount}: expected a count of 0 or more");
            var chosen = CaptionMetrics.Parse(parse.GetValue(metrics)!);
            var references = CaptionFiles.LoadReferences(parse.GetValue(refs)!, parse.GetValue(split));
            var candidates = CaptionFiles.LoadResults(parse.GetValue(results)!);
            var report = CaptionEvaluator.Evaluate(references, candidates, new EvaluationOptions(chosen, tokenization, parse.GetValue(allowMissing)));

            foreach (var warning in report.Warnings) Console.Error.WriteLine($"warning: {warning}");
            if (parse.GetValue(perItem) is { } perItemPath) EvaluationOutput.WritePerItem(perItemPath, report);
            if (parse.GetValue(json)) Console.WriteLine(EvaluationOutput.SummaryJson(report, tokenization));
            else PrintTable(report);
            if (worstCount > 0) PrintWorst(report, worstCount);
            return 0;
        }));
        return command;
    }

    private static void PrintTable(EvaluationReport report)
    {
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("score").RightAligned());
        foreach (var name in report.MetricNames) table.AddRow(name, report.Corpus[name].ToString("F4", CultureInfo.InvariantCulture));
        table.Caption($"{report.Items.Count} images");
        AnsiConsole.Write(table);
    }

    private static void PrintWorst(EvaluationReport report, int count)
    {
        var metric = report.MetricNames.Contains(MetricNames.CiderD) ? MetricNames.CiderD : report.MetricNames[0];
        var table = new Table().AddColumn("image").AddColumn(metric).AddColumn("candidate").AddColumn("first reference");
        foreach (var i in EvaluationOutput.Worst(report, metric, count))
        {
            var item = report.Items[i];
            table.AddRow(Markup.Escape(item.Id), report.PerItem[metric][i].ToString("F4", CultureInfo.InvariantCulture),
                Markup.Escape(item.Candidate), Markup.Escape(item.References[0]));
        }
        AnsiConsole.Write(table);
    }
}
