using System.CommandLine;
using Spotlight.Captioning;
using Spotlight.Decoding;

namespace Spotlight.Cli;

/// <summary>
/// The decoding controls of <c>caption</c> and <c>eval</c>, defined once; <see cref="Read"/> maps them onto the
/// library's <see cref="CaptionOptions"/>, which checks them.
/// </summary>
public sealed class DecodingOptions
{
    private readonly Option<int> beam = new("--beam") { Description = "beam width (1 = greedy)", DefaultValueFactory = _ => 3 };
    private readonly Option<int?> maxLength = new("--max-length") { Description = "most words per caption (default: the model's limit)" };
    private readonly Option<int> minLength = new("--min-length") { Description = "<end> is blocked before this many words", DefaultValueFactory = _ => 0 };
    private readonly Option<int> noRepeat = new("--no-repeat-ngram") { Description = "never repeat an n-gram of this size (0 = off)", DefaultValueFactory = _ => 0 };
    private readonly Option<double> repetition = new("--repetition-penalty") { Description = "θ ≥ 1: log p of words already in the caption × θ (1 = off)", DefaultValueFactory = _ => 1.0 };
    private readonly Option<string> lengthPenalty = new("--length-penalty") { Description = "average (log p / len^α) | gnmt (log p / ((5 + len) / 6)^α) | none", DefaultValueFactory = _ => "average" };
    private readonly Option<double> lengthAlpha = new("--length-alpha") { Description = "α of the length penalty (0 = off)", DefaultValueFactory = _ => 0.0 };
    private readonly Option<int> alternatives = new("--alternatives") { Description = "n-best: list this many hypotheses (at most the beam) or samples, with scores", DefaultValueFactory = _ => 1 };
    private readonly Option<bool> sample = new("--sample") { Description = "draw captions instead of searching (with --beam 1)" };
    private readonly Option<double> temperature = new("--temperature") { Description = "sampling temperature", DefaultValueFactory = _ => 1.0 };
    private readonly Option<int> topK = new("--top-k") { Description = "sample among the k likeliest words (0 = all)", DefaultValueFactory = _ => 0 };
    private readonly Option<double> topP = new("--top-p") { Description = "sample within the smallest set of words holding this probability (1 = all)", DefaultValueFactory = _ => 1.0 };
    private readonly Option<long> seed = new("--sample-seed") { Description = "seed of the sampling (the same seed, images and batches give the same captions)", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> allowUnknown = new("--allow-unknown") { Description = "let captions contain <unk> (by default it is never generated)" };

    public DecodingOptions() => lengthPenalty.AcceptOnlyFromAmong("average", "gnmt", "none");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { beam, maxLength, minLength, noRepeat, repetition, lengthPenalty, lengthAlpha, alternatives, sample, temperature, topK, topP, seed, allowUnknown })
            command.Options.Add(option);
    }

    public CaptionOptions Read(ParseResult parse)
    {
        var options = new CaptionOptions(Beam: parse.GetValue(beam), MaxLength: parse.GetValue(maxLength), LengthAlpha: parse.GetValue(lengthAlpha),
            Alternatives: parse.GetValue(alternatives), AllowUnknown: parse.GetValue(allowUnknown))
        {
            LengthPenalty = parse.GetValue(lengthPenalty) switch { "gnmt" => LengthPenaltyKind.Gnmt, "none" => LengthPenaltyKind.None, _ => LengthPenaltyKind.Average },
            NoRepeatNgram = parse.GetValue(noRepeat), RepetitionPenalty = parse.GetValue(repetition), MinLength = parse.GetValue(minLength),
            Sampling = parse.GetValue(sample) ? new SamplingOptions(parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(seed)) : null,
        };
        bool samplingSettings = parse.GetResult(temperature) is { Implicit: false } || parse.GetResult(topK) is { Implicit: false }
            || parse.GetResult(topP) is { Implicit: false } || parse.GetResult(seed) is { Implicit: false };
        if (samplingSettings && options.Sampling is null)
            throw new SpotlightException("--temperature, --top-k, --top-p and --sample-seed need --sample");
        options.Validate();
        return options;
    }
}
