using Spotlight.Attention;
using Spotlight.Decoding;
using Spotlight.Transformer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TransformerDecoderLayer = Spotlight.Transformer.TransformerDecoderLayer;
using TransformerEncoderLayer = Spotlight.Transformer.TransformerEncoderLayer;

namespace Spotlight.Captioning;

/// <summary>
/// A Transformer caption decoder (Vaswani et al. 2017, pre-norm as Xiong et al. 2020) over the encoder's regions:
/// <code>
/// memory = LN(Encoder^M(dropout(W_r a + P_grid)))         (M = EncoderLayers; P_grid only when M &gt; 0)
/// x      = dropout(√d · E[word] + P[position])             (P sinusoidal, §3.5, or learned)
/// x      = N × (causal self-attention, cross-attention to memory, FFN)
/// p(y_t | y_&lt;t, a) = softmax(W LN(x_t)),  W = E when tied (Press &amp; Wolf 2017)
/// </code>
/// The attention of a word is its cross-attention averaged over every layer and head; the per-layer, per-head maps
/// come from <see cref="CrossAttentionMaps"/>. Decoding caches each layer's self-attention keys/values and prepares
/// each layer's cross-attention keys/values once per image, shared by that image's beams.
/// </summary>
public sealed class TransformerCaptionDecoder : Module, ICaptionDecoder
{
    private readonly Linear regionProjection;                     // W_r: features → d
    private readonly GridPositions? gridPositions;
    private readonly ModuleList<TransformerEncoderLayer> encoderLayers;
    private readonly LayerNorm memoryNorm;
    private readonly Embedding embedding;                         // E
    private readonly Embedding? learnedPositions;
    private readonly ModuleList<TransformerDecoderLayer> layers;
    private readonly LayerNorm finalNorm;
    private readonly Linear? output;                              // absent when tied to E
    private readonly Dropout dropout;
    private readonly Tensor? sinusoids;                           // (MaxPositions, d), a non-persistent buffer
    private readonly double scale;

    public TransformerCaptionDecoder(CaptionerConfig config, int featureDim, int gridHeight, int gridWidth) : base(nameof(TransformerCaptionDecoder))
    {
        var sizes = config.TransformerSizes;
        int d = sizes.ModelDim;
        scale = Math.Sqrt(d);
        MaxPositions = sizes.MaxPositions;
        regionProjection = Linear(featureDim, d);
        if (sizes.EncoderLayers > 0) gridPositions = new GridPositions(gridHeight, gridWidth, d);
        encoderLayers = new ModuleList<TransformerEncoderLayer>([.. Enumerable.Range(0, sizes.EncoderLayers).Select(_ => new TransformerEncoderLayer(sizes.LayerSizes))]);
        memoryNorm = LayerNorm(d);
        embedding = Embedding(config.VocabSize, d, padding_idx: 0);
        if (sizes.Positions == PositionKind.Learned) learnedPositions = Embedding(sizes.MaxPositions, d);
        layers = new ModuleList<TransformerDecoderLayer>([.. Enumerable.Range(0, sizes.Layers).Select(_ => new TransformerDecoderLayer(sizes.LayerSizes))]);
        finalNorm = LayerNorm(d);
        if (!sizes.TieEmbeddings) output = Linear(d, config.VocabSize);
        dropout = Dropout(sizes.Dropout);
        RegisterComponents();
        using (no_grad())
        {
            // N(0, d^-1/2), so that √d·E has unit scale (as fairseq and the translation Transformer do).
            init.normal_(embedding.weight!, 0, 1 / scale);
            embedding.weight![0].zero_();
            if (learnedPositions is not null) init.normal_(learnedPositions.weight!, 0, 0.02);
        }
        if (sizes.Positions == PositionKind.Sinusoidal)
        {
            sinusoids = Sinusoids.Table(sizes.MaxPositions, d);
            register_buffer("sinusoids", sinusoids, persistent: false);
        }
    }

    /// <summary>The most tokens a caption can be fed (positions known to the decoder).</summary>
    public int MaxPositions { get; }

    public int Layers => layers.Count;

    /// <summary>regions (batch, n, featureDim) → the memory the decoder attends to (batch, n, d).</summary>
    public Tensor Encode(Tensor regions)
    {
        var x = regionProjection.forward(regions);
        if (gridPositions is not null) x = x + gridPositions.forward(regions.shape[1]).unsqueeze(0);
        x = dropout.forward(x);
        foreach (var layer in encoderLayers) x = layer.forward(x, null);
        return memoryNorm.forward(x);
    }

    /// <summary>
    /// Teacher forcing: inputs (batch, T) → logits (batch, T, vocab) and α (batch, T, n), the cross-attention averaged
    /// over layers and heads. The causal mask keeps every position from seeing later ones, so padding after a caption's
    /// end changes nothing before it; <paramref name="steps"/> is not needed.
    /// </summary>
    public (Tensor Logits, Tensor Alphas) forward(Tensor regions, Tensor inputs, Tensor? steps = null)
    {
        var (x, maps) = Run(regions, inputs, averageHeads: true);
        return (Logits(x), stack(maps, 0).mean([0]));                            // (batch, T, V), (batch, T, n)
    }

    /// <summary>
    /// Every layer's and head's cross-attention for the given inputs: (batch, layers, heads, T, n). Averaged over
    /// layers and heads it is the α of <see cref="forward"/> and of decoding.
    /// </summary>
    public Tensor CrossAttentionMaps(Tensor regions, Tensor inputs) => stack(Run(regions, inputs, averageHeads: false).Maps, 1);

    private (Tensor X, List<Tensor> Maps) Run(Tensor regions, Tensor inputs, bool averageHeads)
    {
        var memory = Encode(regions);
        var x = Embed(inputs, 0);
        var maps = new List<Tensor>(layers.Count);
        foreach (var layer in layers)
        {
            (x, var weights) = layer.Forward(x, memory, null, averageHeads: averageHeads);
            maps.Add(weights);
        }
        return (finalNorm.forward(x), maps);
    }

    /// <summary>Empty self-attention caches and each layer's cross-attention keys/values of the regions, once per image.</summary>
    public IDecoderState Start(Tensor regions)
    {
        var memory = Encode(regions);
        return new TransformerCaptionState(
            [.. layers.Select(_ => KeyValueCache.ForSelfAttention())],
            [.. layers.Select(layer => layer.PrepareMemory(memory, null))]);
    }

    /// <summary>One word for every row: only the new token is embedded and projected; earlier ones come from the caches.</summary>
    public StepOutput DecodeStep(Tensor tokens, IDecoderState state)
    {
        var s = (TransformerCaptionState)state;
        var x = Embed(tokens.unsqueeze(1), (int)s.SelfCaches[0].Length);         // (rows, 1, d)
        Tensor? alpha = null;
        for (int i = 0; i < layers.Count; i++)
        {
            (x, var weights) = layers[i].Step(x, s.SelfCaches[i], s.Memories[i]);  // weights (rows, n)
            alpha = alpha is null ? weights : alpha + weights;
        }
        var logProbs = Logits(finalNorm.forward(x)).squeeze(1).log_softmax(1);  // (rows, V)
        return new StepOutput(logProbs, s, alpha! / layers.Count);
    }

    // tokens (batch, t) → dropout(√d·E + P) for positions first .. first+t-1.
    private Tensor Embed(Tensor tokens, int first)
    {
        long length = tokens.shape[1];
        if (first + length > MaxPositions)
            throw new SpotlightException($"a caption of {first + length} tokens is longer than this Transformer's {MaxPositions} positions");
        var positions = learnedPositions is not null
            ? learnedPositions.forward(arange(first, first + length, dtype: ScalarType.Int64, device: tokens.device))
            : sinusoids!.narrow(0, first, length);
        return dropout.forward(embedding.forward(tokens) * scale + positions.unsqueeze(0));
    }

    /// <inheritdoc/>
    public Tensor WordEmbeddings => embedding.weight!;

    private Tensor Logits(Tensor x) => output is not null ? output.forward(x) : x.matmul(embedding.weight!.t());
}

/// <summary>
/// Decoding state of the Transformer captioner: each layer's self-attention cache (selected in place, freed by
/// <see cref="Dispose"/>) and each layer's prepared cross-attention memory, kept once per image for all its beams
/// (<see cref="AttentionMemory.Select"/>). The step's position is the cache length.
/// </summary>
public sealed record TransformerCaptionState(KeyValueCache[] SelfCaches, AttentionMemory[] Memories) : IDecoderState, IDisposable
{
    public IDecoderState Select(Tensor rowIndices)
    {
        foreach (var cache in SelfCaches) cache.Select(rowIndices);
        return this with { Memories = [.. Memories.Select(m => m.Select(rowIndices))] };
    }

    public IEnumerable<Tensor> Tensors => Memories.SelectMany(m => m.Mask is null ? new[] { m.Values, m.Keys } : [m.Values, m.Keys, m.Mask]);

    public void Dispose()
    {
        foreach (var cache in SelfCaches) cache.Dispose();
    }
}
