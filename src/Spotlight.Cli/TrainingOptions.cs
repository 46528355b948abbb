using System.CommandLine;
using Spotlight.Training;

namespace Spotlight.Cli;

/// <summary>
/// The options every training command has (<c>--out --seed --resume --minutes --lr --batch-size</c>), defined once;
/// each command gives its own defaults. <see cref="Read"/> maps them onto the library's <see cref="TrainingRunSettings"/>.
/// </summary>
public sealed class TrainingOptions
{
    private readonly Option<string> output;
    private readonly Option<long> seed = new("--seed") { Description = "seeds initialisation and data order; a resume must use the same", DefaultValueFactory = _ => 1 };
    private readonly Option<string?> resume = new("--resume") { Description = "continue from a .checkpoint file" };
    private readonly Option<double?> minutes = new("--minutes") { Description = "stop training after this many minutes (resumed time included)" };
    private readonly Option<double> lr;
    private readonly Option<int>? batch;

    public TrainingOptions(string outputDescription, double learningRate, int? batchSize)
    {
        output = new Option<string>("--out") { Description = outputDescription, Required = true };
        lr = new Option<double>("--lr") { Description = "peak learning rate", DefaultValueFactory = _ => learningRate };
        if (batchSize is int size) batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => size };
    }

    public IEnumerable<Option> All => batch is null ? [output, seed, resume, minutes, lr] : [output, seed, resume, minutes, lr, batch];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>Whether --lr was on the command line (a command may then pick another default for a mode).</summary>
    public bool LearningRateGiven(ParseResult parse) => parse.GetResult(lr) is { Implicit: false };

    public TrainingRunSettings Read(ParseResult parse)
    {
        var settings = new TrainingRunSettings(parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(resume), parse.GetValue(minutes),
            parse.GetValue(lr), batch is null ? null : parse.GetValue(batch));
        settings.Validate();
        return settings;
    }
}
