using System.CommandLine;
using Spectre.Console;
using Spotlight.Captioning;
using Spotlight.Metrics.Ptb;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight demo</c>: the main job, offline: synthesise, train, evaluate, report.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "output folder", DefaultValueFactory = _ => "spotlight-demo" };
        var minutes = new Option<double>("--minutes") { Description = "time budget for the whole demo", DefaultValueFactory = _ => 5.5 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1 };
        var threads = CommonOptions.Threads();
        var command = new Command("demo", "Synthesise scenes, train a captioner with visual attention on CPU, evaluate it and write an HTML report.")
        {
            output, minutes, seed, threads,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            if (parse.GetValue(minutes) is <= 0 or > 24 * 60) throw new SpotlightException("--minutes must be between 0 and 1440");
            var options = new CaptionDemoOptions(Path.GetFullPath(parse.GetValue(output)!), parse.GetValue(minutes), Seed: parse.GetValue(seed),
                Tokenizer: PtbTokenizer.Instance);
            AnsiConsole.MarkupLine($"Spotlight demo → [bold]{Markup.Escape(options.OutputDirectory)}[/] (budget {options.Minutes:F1} min)");
            var result = TrainingProgress.Run<StepReport, ValidationReport, CaptionDemoResult>(100, display => CaptionDemo.Run(options, display));
            var table = EvalCommand.ScoreTable(result.Test, "synthetic test split");
            table.AddRow("training time", $"{result.Training.Elapsed.TotalMinutes:F1} min ({result.Training.EpochsCompleted} epochs)");
            table.AddRow("total time", $"{result.Total.TotalMinutes:F1} min");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"model: {Markup.Escape(result.ModelPath)}");
            AnsiConsole.MarkupLine($"report: {Markup.Escape(result.ReportPath)}");
            return 0;
        }));
        return command;
    }
}
