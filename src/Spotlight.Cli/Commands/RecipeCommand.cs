using System.CommandLine;
using Spectre.Console;
using Spotlight.Captioning;
using Spotlight.Metrics.Ptb;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight recipe flickr8k</c>: the real-photo captioning result in one command (<see cref="CaptionRecipe"/>).</summary>
public static class RecipeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Flickr8k folder (token and split files, images), or any data set `spotlight train` reads", Required = true };
        var output = new Option<string>("--out") { Description = "output folder (encoder, features, models, logs, report, results.json); a rerun resumes", Required = true };
        var encoder = new Option<string>("--encoder") { Description = "resnet18 (comes with Spotlight) or an encoder file from `spotlight weights import`", DefaultValueFactory = _ => "resnet18" };
        var decoder = new Option<string>("--decoder") { Description = "lstm | transformer", DefaultValueFactory = _ => "lstm" };
        decoder.AcceptOnlyFromAmong("lstm", "transformer");
        var minutes = new Option<double>("--minutes") { Description = "cross-entropy training budget", DefaultValueFactory = _ => new CaptionRecipeOptions("", "").Minutes };
        var scst = new Option<bool>("--scst") { Description = "then self-critical training from the best cross-entropy model" };
        var scstMinutes = new Option<double>("--scst-minutes") { Description = "self-critical training budget", DefaultValueFactory = _ => 60 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1 };
        var beam = new Option<int>("--beam") { DefaultValueFactory = _ => 3 };
        var format = CommonOptions.DataFormat();
        var images = CommonOptions.ImagesFolder();
        var threads = CommonOptions.Threads();
        var flickr = new Command("flickr8k", "Import the encoder, cache features, train (cross-entropy, then optionally self-critical), test with beam search, write the report and results.json.")
        {
            data, output, encoder, decoder, minutes, scst, scstMinutes, seed, beam, format, images, threads,
        };
        flickr.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var options = new CaptionRecipeOptions(parse.GetValue(data)!, Path.GetFullPath(parse.GetValue(output)!), parse.GetValue(encoder)!)
            {
                Decoder = TrainCommand.ParseDecoder(parse.GetValue(decoder)!), Minutes = parse.GetValue(minutes),
                SelfCriticalMinutes = parse.GetValue(scst) ? parse.GetValue(scstMinutes) : null, Seed = parse.GetValue(seed),
                Beam = parse.GetValue(beam), Format = parse.GetValue(format), Images = parse.GetValue(images), Tokenizer = PtbTokenizer.Instance,
            };
            var result = TrainingProgress.Run<StepReport, ValidationReport, CaptionRecipeResult>(30,
                display => CaptionRecipe.Run(options, display.OnMessage, display));
            AnsiConsole.Write(EvalCommand.ScoreTable(result.CrossEntropyTest, "test split, cross-entropy model"));
            if (result.SelfCriticalTest is { } tuned) AnsiConsole.Write(EvalCommand.ScoreTable(tuned, "test split, self-critical model"));
            AnsiConsole.MarkupLine($"model: {Markup.Escape(result.ModelPath)}");
            AnsiConsole.MarkupLine($"report: {Markup.Escape(result.ReportPath)}");
            AnsiConsole.MarkupLine($"results: {Markup.Escape(result.ResultsPath)}");
            return 0;
        }));
        return new Command("recipe", "Reproduce a documented result with one command.") { flickr };
    }
}
