using System.Text.Json;
using System.Text.Json.Serialization;
using Spotlight.Checkpoints;
using Spotlight.Decoding;
using Spotlight.Text;
using Spotlight.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>Per-token attention over the encoder's grid: one row of GridHeight·GridWidth weights per word.</summary>
public sealed record AttentionMaps(int GridHeight, int GridWidth, float[][] Weights);

/// <summary>One captioned image.</summary>
public sealed record CaptionResult(
    string Source, string Caption, IReadOnlyList<string> Tokens, double LogProb, double Score, bool Finished,
    AttentionMaps Attention, IReadOnlyList<CaptionAlternative> Alternatives);

public sealed record CaptionAlternative(string Caption, double LogProb, double Score);

/// <summary>How to caption: beam width, length limit, length normalisation, alternatives.</summary>
/// <param name="Beam">beam width (1 = greedy)</param>
/// <param name="MaxLength">most generated tokens (null: the model's own limit)</param>
/// <param name="LengthAlpha">length normalisation len^α of the beam scores (0 = none)</param>
/// <param name="Alternatives">captions returned per image (at most the beam)</param>
/// <param name="BatchSize">images decoded together</param>
/// <param name="AllowUnknown">let captions contain &lt;unk&gt; (off: it is never generated, nor &lt;pad&gt; or &lt;start&gt;)</param>
public sealed record CaptionOptions(int Beam = 3, int? MaxLength = null, double LengthAlpha = 0.0, int Alternatives = 1, int BatchSize = 32,
    bool AllowUnknown = false)
{
    /// <summary>How a hypothesis's log-probability is divided by its length when <see cref="LengthAlpha"/> &gt; 0.</summary>
    public LengthPenaltyKind LengthPenalty { get; init; } = LengthPenaltyKind.Average;
    /// <summary>n &gt; 0: never repeat an n-gram of the caption.</summary>
    public int NoRepeatNgram { get; init; }
    /// <summary>θ ≥ 1: words already in the caption have their log-probability multiplied by θ.</summary>
    public double RepetitionPenalty { get; init; } = 1.0;
    /// <summary>&lt;end&gt; is blocked before this many words.</summary>
    public int MinLength { get; init; }
    /// <summary>
    /// Draw captions instead of searching (Beam must be 1): <see cref="Alternatives"/> independent samples per image,
    /// best-scored first. A seed makes it reproducible for the same images in the same batches.
    /// </summary>
    public SamplingOptions? Sampling { get; init; }

    public void Validate()
    {
        if (Beam is < 1 or > 50) throw new SpotlightException($"beam must be between 1 and 50, got {Beam}");
        if (MaxLength is < 1 or > 200) throw new SpotlightException($"max length must be between 1 and 200, got {MaxLength}");
        if (Sampling is null && (Alternatives < 1 || Alternatives > Beam)) throw new SpotlightException($"alternatives must be between 1 and the beam ({Beam})");
        if (Sampling is not null && Alternatives is < 1 or > 50) throw new SpotlightException($"alternatives (samples per image) must be between 1 and 50, got {Alternatives}");
        if (Sampling is not null && Beam != 1) throw new SpotlightException($"sampling draws captions one word at a time: beam must be 1, got {Beam}");
        Sampling?.Validate();
        if (BatchSize < 1) throw new SpotlightException("batch size must be positive");
        if (!double.IsFinite(LengthAlpha) || LengthAlpha < 0) throw new SpotlightException($"length alpha must be a finite number ≥ 0, got {LengthAlpha}");
        if (!Enum.IsDefined(LengthPenalty)) throw new SpotlightException($"unknown length penalty {(int)LengthPenalty}");
        if (NoRepeatNgram is < 0 or > 10) throw new SpotlightException($"no-repeat n-gram size must be between 0 (off) and 10, got {NoRepeatNgram}");
        if (!double.IsFinite(RepetitionPenalty) || RepetitionPenalty is < 1 or > 10) throw new SpotlightException($"repetition penalty must be between 1 (off) and 10, got {RepetitionPenalty}");
        if (MinLength is < 0 or > 200) throw new SpotlightException($"min length must be between 0 and 200, got {MinLength}");
        if (MaxLength is int max && MinLength >= max) throw new SpotlightException($"min length ({MinLength}) must be below max length ({max})");
    }
}

/// <summary>
/// A trained captioner with everything needed to use it: the network, its config, the vocabulary and the image
/// preprocessing it was trained with. This is what one <c>.spotlight</c> file holds.
/// </summary>
public sealed class CaptionModel : IDisposable
{
    public const string Kind = "captioner";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,   // a best score of -∞ before any validation
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public CaptionModel(Captioner network, Vocabulary vocabulary, ImagePreprocessing preprocessing, string? summaryJson = null)
    {
        Network = network;
        Vocabulary = vocabulary;
        Preprocessing = preprocessing;
        SummaryJson = summaryJson;
    }

    public Captioner Network { get; }
    public Vocabulary Vocabulary { get; }
    public ImagePreprocessing Preprocessing { get; }
    /// <summary>Training data summary and validation scores, as JSON (shown by the model card).</summary>
    public string? SummaryJson { get; set; }
    public CaptionerConfig Config => Network.Config;

    private static readonly TaskModelFile<CaptionerConfig> FileFormat = new(Kind, Json);

    public void Save(string path) => FileFormat.Save(path, Network, Config, SummaryJson, new Dictionary<string, string>
    {
        ["vocabulary"] = Vocabulary.ToJson(),
        ["preprocessing"] = JsonSerializer.Serialize(Preprocessing, Json),
    });

    /// <summary>A captioner file's configuration from its header, without reading the weights.</summary>
    public static CaptionerConfig InspectConfig(string path) => FileFormat.Inspect(path).Config;

    public static CaptionModel Load(string path) => FileFormat.Load(path, file =>
    {
        var preprocessing = file.Read<ImagePreprocessing>("preprocessing");
        var vocabulary = Vocabulary.FromJson(file.File.Blob("vocabulary"));
        if (vocabulary.Count != file.Config.VocabSize)
            throw new SpotlightException($"{path}: vocabulary has {vocabulary.Count} tokens but the config says {file.Config.VocabSize}");
        return new CaptionModel(file.Network(config => new Captioner(config)), vocabulary, preprocessing, file.Summary);
    });

    /// <summary>Decodes, preprocesses and captions image files; the first unreadable file stops with its name.</summary>
    public IReadOnlyList<CaptionResult> CaptionFiles(IReadOnlyList<string> paths, CaptionOptions options)
    {
        var results = new List<CaptionResult>(paths.Count);
        foreach (var chunk in paths.Chunk(options.BatchSize))
        {
            using var scope = torch.NewDisposeScope();
            var images = torch.stack(chunk.Select(LoadImage).ToArray());
            results.AddRange(CaptionTensors(images, chunk, options));
        }
        return results;
    }

    /// <summary>The one preprocessing path for inference, identical to training's (same function, same settings).</summary>
    public Tensor LoadImage(string path)
    {
        return ImageTensor.Load(path, Preprocessing);
    }

    /// <summary>Captions a batch of preprocessed images (batch, 3, H, W) in one batched search.</summary>
    public IReadOnlyList<CaptionResult> CaptionTensors(Tensor images, IReadOnlyList<string> sources, CaptionOptions options)
    {
        Network.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return CaptionRegions(Network.EncodeImages(images), sources, options);
    }

    /// <summary>Captions from region features already computed (batch, regions, dim), e.g. from a feature cache.</summary>
    public IReadOnlyList<CaptionResult> CaptionRegions(Tensor regions, IReadOnlyList<string> sources, CaptionOptions options)
    {
        options.Validate();
        Network.eval();
        int maxLength = options.MaxLength ?? Config.MaxLength - 1;
        if (options.MinLength >= maxLength) throw new SpotlightException($"min length ({options.MinLength}) must be below the max length ({maxLength})");
        var decode = new DecodeOptions(
            BeamSize: options.Beam, MaxLength: maxLength,
            StartToken: Vocabulary.Start, EndToken: Vocabulary.End,
            LengthPenalty: options.LengthAlpha > 0 ? options.LengthPenalty : LengthPenaltyKind.None,
            LengthAlpha: options.LengthAlpha, NBest: options.Sampling is null ? options.Alternatives : 1,
            NoRepeatNgram: options.NoRepeatNgram, MinLength: options.MinLength, RepetitionPenalty: options.RepetitionPenalty,
            // A caption with "<unk>" in it is worse than the best caption without: the word is unknown, not absent.
            BlockedTokens: options.AllowUnknown ? [Vocabulary.Pad, Vocabulary.Start] : [Vocabulary.Pad, Vocabulary.Start, Vocabulary.Unknown]);
        using var scope = torch.NewDisposeScope();
        var hypotheses = options.Sampling is { } sampling
            ? Network.SampleFromRegions(regions, decode, sampling, options.Alternatives)
            : Network.GenerateFromRegions(regions, decode);
        int gridH = Network.Encoder.GridHeight, gridW = Network.Encoder.GridWidth;
        var results = new List<CaptionResult>(hypotheses.Count);
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var best = hypotheses[i][0];
            var words = best.Tokens.Select(Vocabulary.Token).ToList();
            // One map per word; the map that produced <end> is dropped (it has no word to show it on).
            var maps = (best.Attention ?? []).Take(words.Count).ToArray();
            var alternatives = hypotheses[i].Select(h => new CaptionAlternative(Vocabulary.Decode(h.Tokens), h.LogProb, h.Score)).ToList();
            results.Add(new CaptionResult(sources[i], string.Join(' ', words), words, best.LogProb, best.Score,
                best.Finished, new AttentionMaps(gridH, gridW, maps), alternatives));
        }
        return results;
    }

    public void Dispose() => Network.Dispose();
}
