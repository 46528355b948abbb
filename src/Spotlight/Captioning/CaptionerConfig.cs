using System.Text.Json.Serialization;
using Spotlight.Vision.Encoders;

namespace Spotlight.Captioning;

public enum AttentionKind { Additive, ScaledDot, MultiHead }

/// <summary>The decoder: a recurrent cell attending once per word (Show, Attend and Tell), or a Transformer.</summary>
public enum DecoderCellKind { Lstm, Gru, Transformer }

/// <summary>
/// Everything that defines a Show-Attend-Tell captioner's shape. Saved inside every model file, so a model loads
/// without the command line that made it.
/// </summary>
public sealed record CaptionerConfig(
    int VocabSize,
    int EmbedDim = 64,
    int DecoderDim = 256,
    int AttentionDim = 128,
    AttentionKind Attention = AttentionKind.Additive,
    int Heads = 4,
    DecoderCellKind Cell = DecoderCellKind.Lstm,
    float Dropout = 0.3f,
    float DoublyStochasticLambda = 1f,   // Xu et al. 2015, eq. 14
    int MaxLength = 24,                  // tokens per caption including <start> and <end>
    bool InitFromMeanRegion = true,      // h₀, c₀ = f(mean region) as in §3.1.2; false: learned constants
    SmallCnnConfig? Encoder = null,
    PretrainedEncoderConfig? Pretrained = null,   // set: a pretrained backbone replaces the small CNN
    // Cell = Transformer: its sizes (null: the defaults). Left out of the JSON when null, so the config of a recurrent
    // captioner reads exactly as before it existed (checkpoints compare configs as JSON text).
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TransformerCaptionConfig? Transformer = null,
    // Set: a Vision Transformer trained from scratch replaces the small CNN (a pretrained ViT is a Pretrained kind).
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VitConfig? Vit = null)
{
    public SmallCnnConfig EncoderConfig => Encoder ?? new SmallCnnConfig();

    /// <summary>The Transformer decoder's sizes (only read when <see cref="Cell"/> is Transformer).</summary>
    [JsonIgnore] public TransformerCaptionConfig TransformerSizes => Transformer ?? new TransformerCaptionConfig();

    /// <summary>The input side the encoder expects.</summary>
    public int ImageSize => Pretrained?.ImageSize ?? Vit?.ImageSize ?? EncoderConfig.ImageSize;

    /// <summary>
    /// A ViT to train from scratch with a captioner: an eighth of the image per patch, so on 64-pixel scenes its grid
    /// (8 × 8) is the small CNN's; 4 blocks of width 96 with 4 heads, about the CNN encoder's compute per image.
    /// </summary>
    public static VitConfig ScratchVit(int imageSize) => new(imageSize, PatchSize: Math.Max(1, imageSize / 8), Dim: 96, Depth: 4, Heads: 4, MlpRatio: 2.0);

    public static CaptionerConfig Tiny(int vocabSize, int imageSize = 32) => new(
        vocabSize, EmbedDim: 16, DecoderDim: 32, AttentionDim: 16, Heads: 2, Dropout: 0f,
        Encoder: new SmallCnnConfig(imageSize, [8, 16, 16]));

    public void Validate()
    {
        if (VocabSize < 5) throw new SpotlightException($"vocabulary size {VocabSize} is too small (4 special tokens + words)");
        if (EmbedDim <= 0 || DecoderDim <= 0 || AttentionDim <= 0)
            throw new SpotlightException("embedding, decoder and attention sizes must be positive");
        if (Dropout is < 0f or >= 1f) throw new SpotlightException($"dropout {Dropout} must be in [0, 1)");
        if (DoublyStochasticLambda < 0f) throw new SpotlightException("the attention regularisation weight must be ≥ 0");
        if (MaxLength < 3) throw new SpotlightException($"max length {MaxLength} must be at least 3");
        if (Attention == AttentionKind.MultiHead && DecoderDim % Heads != 0)
            throw new SpotlightException($"decoder size {DecoderDim} must be divisible by the {Heads} attention heads");
        if (Cell == DecoderCellKind.Transformer) TransformerSizes.Validate(MaxLength);
        if (Vit is not null && (Pretrained is not null || Encoder is not null))
            throw new SpotlightException("a captioner has one encoder: a ViT from scratch, a pretrained encoder or the small CNN, not two");
        if (Pretrained is not null) Pretrained.Validate();
        else if (Vit is not null) Vit.Validate();
        else EncoderConfig.Validate();
    }
}
