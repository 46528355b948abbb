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
        var demo = new DemoOptions("spotlight-demo");
        var command = new Command("demo", "Synthesise scenes, train a captioner with visual attention on CPU, evaluate it and write an HTML report.");
        foreach (var option in demo.All) command.Options.Add(option);
        var encoder = new Option<string>("--encoder") { Description = "cnn (the small CNN) or vit (a small Vision Transformer, 8 × 8 patches), both trained from scratch", DefaultValueFactory = _ => "cnn" };
        encoder.AcceptOnlyFromAmong("cnn", "vit");
        command.Options.Add(encoder);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var (output, minutes, seed) = demo.Read(parse);
            var options = new CaptionDemoOptions(output, minutes, Seed: seed, Tokenizer: PtbTokenizer.Instance, VitEncoder: parse.GetValue(encoder) == "vit");
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
