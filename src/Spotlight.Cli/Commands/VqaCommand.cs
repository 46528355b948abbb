using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Spotlight.Vqa.Data;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight vqa synth|train|eval|ask</c>: visual question answering with stacked attention (docs/vqa.md).</summary>
public static partial class VqaCommand
{
    public static Command Create()
    {
        var command = new Command("vqa", "Visual question answering: synthetic questions, stacked attention and baselines.");
        command.Subcommands.Add(Synth());
        command.Subcommands.Add(Train());
        command.Subcommands.Add(Eval());
        command.Subcommands.Add(Ask());
        command.Subcommands.Add(Demo());
        return command;
    }

    private static Command Demo()
    {
        var demo = new DemoOptions("spotlight-vqa-demo");
        var command = new Command("demo", "Synthesise scenes and questions, train a stacked attention network on CPU, test it and write a page of answers and attention.");
        foreach (var option in demo.All) command.Options.Add(option);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var (output, minutes, seed) = demo.Read(parse);
            var options = new Spotlight.Vqa.VqaDemoOptions(output, minutes, Seed: seed);
            AnsiConsole.MarkupLine($"Spotlight VQA demo → [bold]{Markup.Escape(options.OutputDirectory)}[/] (budget {options.Minutes:F1} min)");
            var result = TrainingProgress.Run<Spotlight.Vqa.VqaStepReport, Spotlight.Vqa.VqaValidationReport, Spotlight.Vqa.VqaDemoResult>(100,
                display => Spotlight.Vqa.VqaDemo.Run(options, display));
            var table = new Table().AddColumn("test (synthetic)").AddColumn("accuracy");
            table.AddRow("overall", $"{result.Test.Accuracy:P1} of {result.Test.Questions}");
            foreach (var f in result.Test.Families) table.AddRow(VqaFamilies.Name(f), $"{result.Test.PerFamily[f].Accuracy:P1}");
            table.AddRow("pointing (last hop)", $"{result.Test.Pointing:P1} (chance {result.Test.PointingChance:P1})");
            table.AddRow("training time", $"{result.Training.Elapsed.TotalMinutes:F1} min ({result.Training.Steps} steps)");
            table.AddRow("total time", $"{result.Total.TotalMinutes:F1} min");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"model: {Markup.Escape(result.ModelPath)}");
            AnsiConsole.MarkupLine($"report: {Markup.Escape(result.ReportPath)}");
            return 0;
        }));
        return command;
    }

    private static Command Synth()
    {
        var defaults = new VqaSynthConfig();
        var output = new Option<string>("--out") { Description = "directory to write (images/, objects.json, questions.json)", Required = true };
        var train = new Option<int>("--train") { Description = "training scenes", DefaultValueFactory = _ => defaults.Train };
        var val = new Option<int>("--val") { Description = "validation scenes", DefaultValueFactory = _ => defaults.Val };
        var test = new Option<int>("--test") { Description = "test scenes", DefaultValueFactory = _ => defaults.Test };
        var size = new Option<int>("--size") { Description = "image side in pixels", DefaultValueFactory = _ => defaults.Size };
        var seed = new Option<long>("--seed") { Description = "the same seed writes byte-identical files", DefaultValueFactory = _ => defaults.Seed };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace a set already in --out" };
        var command = new Command("synth", "Generate scenes of 2-5 shapes with balanced questions in six families (docs/vqa.md).");
        foreach (var option in new Option[] { output, train, val, test, size, seed, overwrite }) command.Options.Add(option);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var config = defaults with
            {
                Train = parse.GetValue(train), Val = parse.GetValue(val), Test = parse.GetValue(test), Size = parse.GetValue(size), Seed = parse.GetValue(seed),
            };
            var clock = Stopwatch.StartNew();
            var summary = VqaSynthetic.Generate(config, parse.GetValue(output)!, parse.GetValue(overwrite));
            var table = new Table().AddColumn("family").AddColumn("questions");
            foreach (var family in VqaFamilies.Synthetic) table.AddRow(VqaFamilies.Name(family), summary.QuestionsPerFamily.GetValueOrDefault(family).ToString());
            AnsiConsole.Write(table);
            var splits = string.Join(", ", summary.QuestionsPerSplit.Select(kv => $"{kv.Key} {kv.Value}"));
            Console.WriteLine($"wrote {summary.Scenes} scenes and {summary.Questions} questions ({splits}) to {summary.Directory} in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return command;
    }
}
