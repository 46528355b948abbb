using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Text;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight data synth|stats</c>: make the synthetic captioning set, or summarise a data set.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Create or inspect captioning data sets.");
        command.Subcommands.Add(Synth());
        command.Subcommands.Add(Stats());
        return command;
    }

    private static Command Synth()
    {
        var defaults = new SynthConfig();
        var output = new Option<string>("--out") { Description = "directory to write (images/, captions.json, splits.json, objects.json)", Required = true };
        var train = new Option<int>("--train") { Description = "training images", DefaultValueFactory = _ => defaults.Train };
        var val = new Option<int>("--val") { Description = "validation images", DefaultValueFactory = _ => defaults.Val };
        var test = new Option<int>("--test") { Description = "test images", DefaultValueFactory = _ => defaults.Test };
        var size = new Option<int>("--size") { Description = "image side in pixels", DefaultValueFactory = _ => defaults.Size };
        var seed = new Option<long>("--seed") { Description = "the same seed writes byte-identical files", DefaultValueFactory = _ => defaults.Seed };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace a data set already in --out" };
        var command = new Command("synth", "Generate synthetic shape scenes with five true captions each (COCO captions format).");
        foreach (var option in new Option[] { output, train, val, test, size, seed, overwrite }) command.Options.Add(option);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var config = new SynthConfig(parse.GetValue(train), parse.GetValue(val), parse.GetValue(test), parse.GetValue(size), parse.GetValue(seed));
            var clock = Stopwatch.StartNew();
            var summary = SyntheticDataset.Generate(config, parse.GetValue(output)!, parse.GetValue(overwrite));
            var table = new Table().AddColumn("split").AddColumn("images");
            foreach (var (split, count) in summary.ImagesPerSplit) table.AddRow(split, count.ToString());
            AnsiConsole.Write(table);
            Console.WriteLine($"wrote {summary.Images} images and {summary.Captions} captions to {summary.Directory} in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return command;
    }

    private static Command Stats()
    {
        var path = new Argument<string>("path") { Description = "data-set directory or captions JSON file" };
        var images = new Option<string?>("--images") { Description = "directory image file names are relative to" };
        var command = new Command("stats", "Load a captioning data set (checking every file) and summarise it.");
        command.Arguments.Add(path);
        command.Options.Add(images);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var data = CaptionDataset.Load(parse.GetValue(path)!, parse.GetValue(images));
            var table = new Table().AddColumn("split").AddColumn("images").AddColumn("captions").AddColumn("words/caption (mean, max)");
            foreach (var split in data.SplitNames)
            {
                var part = data.Split(split);
                var lengths = part.AllCaptions.Select(c => CaptionTokenizer.Tokenize(c).Count).DefaultIfEmpty(0).ToArray();
                table.AddRow(split, part.Count.ToString(), lengths.Length.ToString(), $"{lengths.Average():F1}, {lengths.Max()}");
            }
            AnsiConsole.Write(table);
            var vocabulary = CaptionEncoding.BuildVocabulary(data.SplitNames.Contains("train") ? data.Split("train").AllCaptions : data.AllCaptions, new TextConfig());
            Console.WriteLine($"vocabulary: {vocabulary.Count} tokens including 4 specials (training captions, min count 1)");
            foreach (var warning in data.Warnings) CommonOptions.Notice(warning);
            return 0;
        }));
        return command;
    }
}
