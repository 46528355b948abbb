using System.Text.Json.Serialization;
using Spotlight.Transformer;

namespace Spotlight.Translation;

/// <summary>Which encoder-decoder a translator is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TranslatorArch>))]
public enum TranslatorArch
{
    /// <summary>Bahdanau et al. 2015: bidirectional RNN encoder, additive attention queried by the previous decoder state.</summary>
    RnnSearch,
    /// <summary>Luong et al. 2015: global attention (dot / general / concat) after the RNN step, with input feeding.</summary>
    Luong,
    /// <summary>Cho et al. 2014 / Sutskever et al. 2014: the source squeezed into one fixed vector, no attention.</summary>
    NoAttention,
    /// <summary>Vaswani et al. 2017, pre-norm (Xiong et al. 2020), on the library's MultiHeadAttention.</summary>
    Transformer,
}

[JsonConverter(typeof(JsonStringEnumConverter<RnnCellKind>))]
public enum RnnCellKind { Gru, Lstm }

/// <summary>Luong et al. 2015 eq. 8 score functions.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LuongScore>))]
public enum LuongScore { Dot, General, Concat }

/// <summary>
/// Everything needed to rebuild a translator's network; saved inside every model file. Vocabulary sizes are filled in
/// from the subword models. RNN fields: EmbedDim, EncoderDim (per direction), DecoderDim, AttentionDim, Cell, Score.
/// Transformer fields: ModelDim, Heads, FeedForwardDim, EncoderLayers, DecoderLayers, Positions, MaxPositions,
/// TieEmbeddings (decoder input embedding = output projection, Press &amp; Wolf 2017).
/// </summary>
public sealed record TranslatorConfig(
    TranslatorArch Arch = TranslatorArch.RnnSearch,
    int SourceVocab = 0,
    int TargetVocab = 0,
    int EmbedDim = 256,
    int EncoderDim = 256,
    int DecoderDim = 512,
    int AttentionDim = 256,
    RnnCellKind Cell = RnnCellKind.Gru,
    LuongScore Score = LuongScore.General,
    double Dropout = 0.3,
    int ModelDim = 256,
    int Heads = 4,
    int FeedForwardDim = 1024,
    int EncoderLayers = 3,
    int DecoderLayers = 3,
    PositionKind Positions = PositionKind.Sinusoidal,
    int MaxPositions = 256,
    bool TieEmbeddings = true)
{
    /// <summary>The sizes of each Transformer layer (not saved: derived from the fields above).</summary>
    [JsonIgnore] public TransformerLayerSizes LayerSizes => new(ModelDim, Heads, FeedForwardDim, Dropout);

    /// <summary>A model small enough for unit tests (a few thousand parameters).</summary>
    public static TranslatorConfig Tiny(TranslatorArch arch) => new(arch, EmbedDim: 16, EncoderDim: 32, DecoderDim: 32,
        AttentionDim: 32, Dropout: 0.0, ModelDim: 32, Heads: 2, FeedForwardDim: 64, EncoderLayers: 1, DecoderLayers: 1,
        MaxPositions: 64);

    /// <summary>Throws a one-line <see cref="SpotlightException"/> naming the first bad value.</summary>
    public void Validate()
    {
        Require(SourceVocab > 4 && TargetVocab > 4, $"vocabulary sizes must exceed the 4 specials, got {SourceVocab} and {TargetVocab}");
        Require(Dropout >= 0 && Dropout < 1, $"dropout must be in [0, 1), got {Dropout}");
        if (Arch == TranslatorArch.Transformer)
        {
            Require(ModelDim > 0 && Heads > 0 && ModelDim % Heads == 0, $"heads ({Heads}) must divide the model dimension ({ModelDim})");
            Require(FeedForwardDim > 0, $"feed-forward dimension must be positive, got {FeedForwardDim}");
            Require(EncoderLayers > 0 && DecoderLayers > 0, $"layer counts must be positive, got {EncoderLayers} and {DecoderLayers}");
            Require(MaxPositions > 0, $"max positions must be positive, got {MaxPositions}");
        }
        else
        {
            Require(EmbedDim > 0 && EncoderDim > 0 && DecoderDim > 0 && AttentionDim > 0,
                $"RNN sizes must be positive, got embed {EmbedDim}, encoder {EncoderDim}, decoder {DecoderDim}, attention {AttentionDim}");
        }
    }

    private static void Require(bool ok, string problem)
    {
        if (!ok) throw new SpotlightException($"translator config: {problem}");
    }

    /// <summary>Model sizes by name (the CLI's <c>--size</c>); docs/translation.md lists them.</summary>
    public static TranslatorConfig Preset(string name, TranslatorArch arch) => name switch
    {
        "tiny" => Tiny(arch),
        "small" => new TranslatorConfig(arch, EmbedDim: 128, EncoderDim: 128, DecoderDim: 256, AttentionDim: 128, ModelDim: 128,
            Heads: 4, FeedForwardDim: 512, EncoderLayers: 2, DecoderLayers: 2, Dropout: 0.2),
        "base" => new TranslatorConfig(arch),
        _ => throw new SpotlightException($"--size must be tiny, small or base, got '{name}'"),
    };
}
