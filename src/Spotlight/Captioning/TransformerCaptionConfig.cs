using System.Text.Json.Serialization;
using Spotlight.Transformer;

namespace Spotlight.Captioning;

/// <summary>
/// The sizes of a Transformer captioner (<see cref="DecoderCellKind.Transformer"/>): <see cref="Layers"/> pre-norm
/// decoder layers of width <see cref="ModelDim"/> with causal self-attention and cross-attention to the regions, and
/// <see cref="EncoderLayers"/> (0 = none) self-attention layers over the regions first, which then get 2-D grid
/// position embeddings. Saved in the model file inside <see cref="CaptionerConfig"/>.
/// </summary>
/// <param name="TieEmbeddings">the output layer is the word embedding transposed (Press &amp; Wolf 2017)</param>
/// <param name="MaxPositions">positions the decoder knows: the longest caption it can write, in tokens with &lt;start&gt;</param>
public sealed record TransformerCaptionConfig(
    int ModelDim = 256,
    int Heads = 4,
    int FeedForwardDim = 1024,
    int Layers = 3,
    int EncoderLayers = 0,
    PositionKind Positions = PositionKind.Sinusoidal,
    bool TieEmbeddings = true,
    float Dropout = 0.1f,
    int MaxPositions = 64)
{
    /// <summary>A model small enough for unit tests.</summary>
    public static TransformerCaptionConfig Tiny => new(ModelDim: 32, Heads: 2, FeedForwardDim: 64, Layers: 2, Dropout: 0f);

    [JsonIgnore] public TransformerLayerSizes LayerSizes => new(ModelDim, Heads, FeedForwardDim, Dropout);

    public void Validate(int maxLength)
    {
        if (ModelDim <= 0 || FeedForwardDim <= 0) throw new SpotlightException("Transformer model and feed-forward sizes must be positive");
        if (Heads <= 0 || ModelDim % Heads != 0)
            throw new SpotlightException($"Transformer model size {ModelDim} must be divisible by the {Heads} attention heads");
        if (Layers is < 1 or > 12) throw new SpotlightException($"Transformer decoder layers must be between 1 and 12, got {Layers}");
        if (EncoderLayers is < 0 or > 6) throw new SpotlightException($"Transformer encoder layers must be between 0 and 6, got {EncoderLayers}");
        if (Dropout is < 0f or >= 1f) throw new SpotlightException($"Transformer dropout {Dropout} must be in [0, 1)");
        if (MaxPositions < maxLength)
            throw new SpotlightException($"the Transformer's {MaxPositions} positions are fewer than the max length of {maxLength} tokens");
    }
}
