using Spotlight.Checkpoints;
using System.CommandLine;
using Spectre.Console;
using Spotlight.Captioning;
using Spotlight.Captioning.Data;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight train</c>: trains a Show-Attend-Tell captioner.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "dataset folder (e.g. from `spotlight data synth`)", Required = true };
        var output = new Option<string>("--out") { Description = "model file to write (best on validation); .last.spotlight, .checkpoint, .log.jsonl, .curves.png go beside it", Required = true };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 30 };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 2e-3 };
        var attention = new Option<string>("--attention") { Description = "additive | scaled-dot | multi-head", DefaultValueFactory = _ => "additive" };
        attention.AcceptOnlyFromAmong("additive", "scaled-dot", "multi-head");
        var decoder = new Option<string>("--decoder") { Description = "lstm | gru", DefaultValueFactory = _ => "lstm" };
        decoder.AcceptOnlyFromAmong("lstm", "gru");
        var optimizer = new Option<string>("--optimizer") { Description = "adam | rmsprop", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "rmsprop");
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1 };
        var resume = new Option<string?>("--resume") { Description = "continue from a .checkpoint file" };
        var minutes = new Option<double?>("--minutes") { Description = "stop training after this many minutes" };
        var lambda = new Option<float>("--attention-penalty") { Description = "λ of the doubly stochastic attention penalty (Xu et al. eq. 14)", DefaultValueFactory = _ => new CaptionerConfig(5).DoublyStochasticLambda };
        var init = new Option<string>("--init") { Description = "initial decoder state: mean (from the mean region, as the paper) or learned", DefaultValueFactory = _ => "mean" };
        init.AcceptOnlyFromAmong("mean", "learned");
        var threads = CommonOptions.Threads();

        var command = new Command("train", "Train an image captioner with visual attention (Show, Attend and Tell).")
        {
            data, output, epochs, batch, lr, attention, decoder, optimizer, seed, resume, minutes, lambda, init, threads,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var dataset = CaptionDataset.Load(parse.GetValue(data)!);
            var config = new CaptionerConfig(VocabSize: 5) with
            {
                Attention = ParseAttention(parse.GetValue(attention)!),
                Cell = parse.GetValue(decoder) == "gru" ? DecoderCellKind.Gru : DecoderCellKind.Lstm,
                DoublyStochasticLambda = parse.GetValue(lambda),
                InitFromMeanRegion = parse.GetValue(init) == "mean",
            };
            var options = new CaptionTrainingOptions
            {
                Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                Optimizer = parse.GetValue(optimizer) == "rmsprop" ? OptimizerKind.RmsProp : OptimizerKind.Adam,
                Seed = parse.GetValue(seed),
                TimeBudget = parse.GetValue(minutes) is double m ? TimeSpan.FromMinutes(m) : null,
            };
            var result = TrainAndReport(dataset, config, options, parse.GetValue(output)!, parse.GetValue(resume));
            AnsiConsole.MarkupLine($"best model: [bold]{Markup.Escape(result.BestModelPath)}[/] (CIDEr-D {result.BestScore:F3}); {Markup.Escape(result.StopReason)}");
            return 0;
        }));
        return command;
    }

    public static AttentionKind ParseAttention(string text) => text switch
    {
        "scaled-dot" => AttentionKind.ScaledDot,
        "multi-head" => AttentionKind.MultiHead,
        _ => AttentionKind.Additive,
    };

    /// <summary>Training with a progress bar, a JSONL log and a curves PNG; shared by <c>train</c> and <c>demo</c>.</summary>
    public static CaptionTrainingResult TrainAndReport(CaptionDataset dataset, CaptionerConfig config, CaptionTrainingOptions options, string modelPath, string? resume)
    {
        var paths = TrainingOutputs.For(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(paths.Log)!);
        using var log = new JsonlTrainingLog(paths.Log, append: resume is not null);
        var result = TrainingProgress.Run(options.Epochs, progress =>
            new CaptionTrainer(dataset, config, options, new TrainingObservers(progress, log)).Train(modelPath, resume));
        TrainingCurves.Write(paths.Curves, log.Steps, log.Validations);
        return result;
    }
}
