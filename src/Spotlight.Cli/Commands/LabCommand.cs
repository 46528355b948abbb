using System.CommandLine;
using Spectre.Console;
using Spotlight.Lab;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight lab</c>: small measured experiments (vanishing gradients, word embeddings).</summary>
public static class LabCommand
{
    public static Command Create()
    {
        var command = new Command("lab", "Small experiments to run in a minute and look at: vanishing gradients, word embeddings.");
        command.Subcommands.Add(VanishingGradientsCommand());
        command.Subcommands.Add(EmbeddingsCommand());
        return command;
    }

    private static Command VanishingGradientsCommand()
    {
        var defaults = new VanishingGradientsSettings();
        var depth = new Option<int>("--depth") { Description = "hidden layers", DefaultValueFactory = _ => defaults.Depth };
        var width = new Option<int>("--width") { Description = "units per hidden layer", DefaultValueFactory = _ => defaults.Width };
        var steps = new Option<int>("--steps") { Description = "SGD steps per variant", DefaultValueFactory = _ => defaults.Steps };
        var seed = new Option<long>("--seed") { Description = "task, initial weights and batch order", DefaultValueFactory = _ => defaults.Seed };
        var lr = new Option<double>("--lr") { Description = "SGD learning rate (momentum 0.9), the same for every variant", DefaultValueFactory = _ => defaults.LearningRate };
        var output = new Option<string>("--out") { Description = "folder for gradients.png, training.png, index.html and runs.json", DefaultValueFactory = _ => "spotlight-lab/vanishing-gradients" };
        // The matrices are tiny: one thread is several times faster than many here (less synchronisation), so 1 is the default.
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (0 = libtorch's default)", DefaultValueFactory = _ => 1 };
        var command = new Command("vanishing-gradients",
            "Train the same deep MLP with sigmoid, tanh, ReLU, ReLU + batch norm and residual sigmoid blocks; measure the gradient reaching each layer.")
        {
            depth, width, steps, seed, lr, output, threads,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var settings = defaults with
            {
                Depth = parse.GetValue(depth), Width = parse.GetValue(width), Steps = parse.GetValue(steps),
                Seed = parse.GetValue(seed), LearningRate = parse.GetValue(lr),
            };
            var result = VanishingGradients.Run(settings, new Progress(run =>
                Console.Error.WriteLine($"  {VanishingGradientsReport.Name(run.Variant)}: done (final loss {run.FinalLoss:F3})")));
            // Gradient norm of the first layer's weights relative to the output layer's, at step 1 and averaged over training.
            var table = new Table().AddColumn("variant", c => c.NoWrap()).AddColumn("ratio@1", c => c.RightAligned())
                .AddColumn("ratio mean", c => c.RightAligned()).AddColumn("final loss", c => c.RightAligned())
                .AddColumn("saturated", c => c.RightAligned()).AddColumn("held-out acc.", c => c.RightAligned());
            foreach (var row in VanishingGradientsReport.Rows(result))
                table.AddRow(Markup.Escape(row.Variant), VanishingGradientsReport.E(row.InitialRatio), VanishingGradientsReport.E(row.MeanRatio),
                    $"{row.FinalLoss:F3}", VanishingGradientsReport.P(row.FinalSaturation), VanishingGradientsReport.P(row.TestAccuracy));
            AnsiConsole.Write(table);
            Console.WriteLine("ratio: gradient norm of the first layer's weights over the output layer's, at step 1 (@1) and averaged over training");
            var page = VanishingGradientsReport.Write(parse.GetValue(output)!, result);
            Console.WriteLine($"report: {page} ({result.Elapsed.TotalSeconds:F0} s)");
            return 0;
        }));
        return command;
    }

    private static Command EmbeddingsCommand()
    {
        var model = new Argument<string>("MODEL") { Description = "a .spotlight captioner (or translator: a word is the mean of its subword pieces)" };
        var words = new Option<string?>("--words") { Description = "comma-separated words to look up (default: the vocabulary's most frequent)" };
        var k = new Option<int>("--k") { Description = "neighbours per word", DefaultValueFactory = _ => 8 };
        var output = new Option<string>("--out") { Description = "folder for pca.png and index.html", DefaultValueFactory = _ => "spotlight-lab/embeddings" };
        var export = new Option<string?>("--export") { Description = "also write every word's vector to this file in the GloVe text format (for train --init-embeddings)" };
        var command = new Command("embeddings", "A trained model's word embeddings: nearest neighbours by cosine, analogies, a 2-D PCA picture.")
        {
            model, words, k, output, export,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var list = parse.GetValue(words)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var result = EmbeddingLab.Run(new EmbeddingLabSettings(parse.GetValue(model)!, list, parse.GetValue(k), ExportPath: parse.GetValue(export)));
            if (result.MissingWords.Count > 0) CommonOptions.Notice($"not in the vocabulary: {string.Join(", ", result.MissingWords)}");
            foreach (var (word, neighbours) in result.Queries)
                Console.WriteLine($"{word}: {string.Join("  ", neighbours.Select(n => $"{n.Word} {n.Cosine:F2}"))}");
            foreach (var a in result.Analogies)
                Console.WriteLine($"{a.A} : {a.B} :: {a.C} : {a.Answers.FirstOrDefault()?.Word ?? "?"} (expected {a.Expected}{(a.Correct ? ", right" : "")})");
            var page = EmbeddingsReport.Write(parse.GetValue(output)!, result);
            Console.WriteLine($"report: {page}");
            return 0;
        }));
        return command;
    }

    /// <summary>Reports on the calling thread (System.Progress would post to the thread pool and print out of order).</summary>
    private sealed class Progress(Action<VariantRun> report) : IProgress<VariantRun>
    {
        public void Report(VariantRun value) => report(value);
    }
}
