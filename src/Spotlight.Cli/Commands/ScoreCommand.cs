using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spotlight.Metrics;
using Spotlight.Metrics.Ptb;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight score</c>: COCO caption metrics (BLEU-1..4, ROUGE-L, CIDEr-D, CIDEr) of results against references.</summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var refs = new Option<string[]>("--refs") { Description = "captions: a COCO captions or Karpathy split JSON; translation: a line-aligned reference file (repeat for more references)", Required = true };
        var results = new Option<string?>("--results") { Description = "results JSON: [{\"image_id\": ..., \"caption\": ...}]" };
        var tokenize = new Option<string?>("--tokenize") { Description = "captions: ptb (default, exactly as the COCO code), simple (Spotlight's MIT tokenizer) or none (already tokenized); translation: 13a (default) or none" };
        var metrics = new Option<string>("--metrics") { Description = "comma-separated: bleu, meteor, rouge, cider-d, cider", DefaultValueFactory = _ => CaptionMetrics.Default };
        var metric = new Option<string?>("--metric") { Description = "translation metric on line-aligned files: sacrebleu, chrf or chrf++ (with --hyp)" };
        metric.AcceptOnlyFromAmong("sacrebleu", "chrf", "chrf++");
        var hyp = new Option<string?>("--hyp") { Description = "translation: line-aligned hypothesis file" };
        var lowercase = new Option<bool>("--lowercase") { Description = "translation: lower-case before scoring" };
        var wordnet = new Option<string?>("--wordnet") { Description = "METEOR: WordNet database folder (default $SPOTLIGHT_WORDNET or /usr/share/wordnet when present)" };
        var paraphrase = new Option<string?>("--paraphrase") { Description = "METEOR: paraphrase table in METEOR's format (e.g. paraphrase-en.gz)" };
        var json = new Option<bool>("--json") { Description = "print a JSON summary instead of a table" };
        var perItem = new Option<string?>("--per-item") { Description = "write per-image scores to this JSONL file" };
        var worst = new Option<int>("--worst") { Description = "also list the N images with the lowest score (CIDEr-D if chosen, else the first metric)" };
        var allowMissing = new Option<bool>("--allow-missing") { Description = "score only the reference images that have a result instead of failing" };
        var split = new Option<string?>("--split") { Description = "Karpathy file only: use the images of this split (e.g. test)" };

        var command = new Command("score", "Score captions with the COCO caption metrics (same numbers as pycocoevalcap), or translations with sacreBLEU / chrF.");
        foreach (var option in new Option[] { refs, results, tokenize, metrics, json, perItem, worst, allowMissing, split, metric, hyp, lowercase, wordnet, paraphrase })
            command.Options.Add(option);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            if (parse.GetValue(metric) is { } translationMetric)
                return TranslationScoring.Run(translationMetric, parse.GetValue(refs)!, parse.GetValue(hyp),
                    parse.GetValue(tokenize) ?? "13a", parse.GetValue(lowercase), parse.GetValue(json));
            if (parse.GetValue(refs)!.Length != 1) throw new SpotlightException("caption scoring takes one --refs file (several are for --metric sacrebleu|chrf)");
            if (parse.GetValue(results) is null) throw new SpotlightException("--results is required to score captions (or use --metric sacrebleu|chrf with --hyp)");
            var tokenization = (parse.GetValue(tokenize) ?? "ptb") switch
            {
                "ptb" => PtbTokenizer.Instance,
                "simple" => CaptionTokenizers.Default,
                "none" => CaptionTokenizers.None,
                var other => throw new SpotlightException($"--tokenize {other}: expected ptb, simple or none"),
            };
            var worstCount = parse.GetValue(worst);
            if (worstCount < 0) throw new SpotlightException($"--worst {worstCount}: expected a count of 0 or more");
            var meteorPaths = (parse.GetValue(wordnet), parse.GetValue(paraphrase));
            var chosen = CaptionMetrics.Parse(parse.GetValue(metrics)!, meteorPaths is (null, null) ? null
                : new Dictionary<string, Func<ICaptionMetric>>(StringComparer.OrdinalIgnoreCase)
                {
                    ["meteor"] = () => new MeteorCaptionMetric(meteorPaths.Item1, meteorPaths.Item2),
                });
            var references = CaptionFiles.LoadReferences(parse.GetValue(refs)![0], parse.GetValue(split));
            var candidates = CaptionFiles.LoadResults(parse.GetValue(results)!);
            var report = CaptionEvaluator.Evaluate(references, candidates, new EvaluationOptions(chosen, tokenization, parse.GetValue(allowMissing)));

            foreach (var m in chosen.OfType<MeteorCaptionMetric>()) Console.Error.WriteLine($"METEOR modules: {m.Modules}");
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
