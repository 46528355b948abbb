using System.CommandLine;

namespace Spotlight.Cli;

/// <summary>The options every demo has (<c>--out --minutes --seed --threads</c>), defined and checked once.</summary>
public sealed class DemoOptions(string defaultOutput)
{
    private readonly Option<string> output = new("--out") { Description = "output folder", DefaultValueFactory = _ => defaultOutput };
    private readonly Option<double> minutes = new("--minutes") { Description = "time budget for the whole demo", DefaultValueFactory = _ => 5.5 };
    private readonly Option<long> seed = new("--seed") { DefaultValueFactory = _ => 1 };
    private readonly Option<int> threads = CommonOptions.Threads();

    public IEnumerable<Option> All => [output, minutes, seed, threads];

    /// <summary>Applies --threads and returns the full output folder, the budget and the seed.</summary>
    public (string OutputDirectory, double Minutes, long Seed) Read(ParseResult parse)
    {
        CommonOptions.ApplyThreads(parse.GetValue(threads));
        if (parse.GetValue(minutes) is <= 0 or > 24 * 60) throw new SpotlightException("--minutes must be between 0 and 1440");
        return (Path.GetFullPath(parse.GetValue(output)!), parse.GetValue(minutes), parse.GetValue(seed));
    }
}
