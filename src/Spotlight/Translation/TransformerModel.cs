using Spotlight.Attention;
using Spotlight.Decoding;
using Spotlight.Transformer;
using TransformerDecoderLayer = Spotlight.Transformer.TransformerDecoderLayer;
using TransformerEncoderLayer = Spotlight.Transformer.TransformerEncoderLayer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Translation;

/// <summary>
/// A small pre-norm Transformer encoder-decoder (Vaswani et al. 2017) on the library's
/// <see cref="MultiHeadAttention"/>:
/// <code>
/// x = dropout(√d · E[token] + P[position])          (P sinusoidal, §3.5, or learned)
/// encoder: N × (self-attention, FFN), final LayerNorm
/// decoder: N × (causal self-attention, cross-attention, FFN), final LayerNorm
/// p(y_t | y_&lt;t, x) = softmax(W y_t), W = the target embedding when tied (Press &amp; Wolf 2017)
/// </code>
/// The attention returned per target token is the last decoder layer's cross-attention averaged over heads.
/// </summary>
public sealed class TransformerModel : Seq2SeqModel
{
    private readonly Embedding sourceEmbedding;
    private readonly Embedding targetEmbedding;
    private readonly Embedding? learnedPositions;
    private readonly ModuleList<TransformerEncoderLayer> encoderLayers;
    private readonly LayerNorm encoderNorm;
    private readonly ModuleList<TransformerDecoderLayer> decoderLayers;
    private readonly LayerNorm decoderNorm;
    private readonly Linear? output;        // absent when tied to targetEmbedding
    private readonly Dropout dropout;
    private readonly Tensor? sinusoids;     // (MaxPositions, d), a non-persistent buffer
    private readonly double scale;

    public TransformerModel(TranslatorConfig config) : base(nameof(TransformerModel), config)
    {
        int d = config.ModelDim;
        scale = Math.Sqrt(d);
        sourceEmbedding = Embedding(config.SourceVocab, d, padding_idx: 0);
        targetEmbedding = Embedding(config.TargetVocab, d, padding_idx: 0);
        if (config.Positions == PositionKind.Learned) learnedPositions = Embedding(config.MaxPositions, d);
        encoderLayers = new ModuleList<TransformerEncoderLayer>(Enumerable.Range(0, config.EncoderLayers).Select(_ => new TransformerEncoderLayer(config.LayerSizes)).ToArray());
        encoderNorm = LayerNorm(d);
        decoderLayers = new ModuleList<TransformerDecoderLayer>(Enumerable.Range(0, config.DecoderLayers).Select(_ => new TransformerDecoderLayer(config.LayerSizes)).ToArray());
        decoderNorm = LayerNorm(d);
        if (!config.TieEmbeddings) output = Linear(d, config.TargetVocab, hasBias: false);
        dropout = Dropout(config.Dropout);
        RegisterComponents();
        // Embeddings start at N(0, d^-1/2) so that √d·E has unit scale, as in fairseq and T2T.
        using (no_grad())
        {
            nn.init.normal_(sourceEmbedding.weight!, 0, 1 / scale);
            nn.init.normal_(targetEmbedding.weight!, 0, 1 / scale);
            sourceEmbedding.weight![0].zero_();
            targetEmbedding.weight![0].zero_();
        }
        if (config.Positions == PositionKind.Sinusoidal)
        {
            sinusoids = Sinusoids.Table(config.MaxPositions, d);
            register_buffer("sinusoids", sinusoids, persistent: false);
        }
    }

    public override (Tensor Logits, Tensor? Attention) Forward(Tensor source, Tensor sourceMask, Tensor targetIn)
    {
        var memory = Encode(source, sourceMask);
        var x = Embed(targetEmbedding, targetIn, 0);
        Tensor? weights = null;
        foreach (var layer in decoderLayers) (x, weights) = layer.Forward(x, memory, sourceMask);
        return (Logits(decoderNorm.forward(x)), weights);                          // (batch, T, V), (batch, T, S)
    }

    public override IDecoderState Begin(Tensor source, Tensor sourceMask) => new TransformerState(
        decoderLayers.Select(_ => KeyValueCache.ForSelfAttention()).ToArray(),
        decoderLayers.Select(_ => KeyValueCache.ForCrossAttention()).ToArray(),
        Encode(source, sourceMask), sourceMask);

    public override StepOutput Step(Tensor tokens, IDecoderState state)
    {
        var s = (TransformerState)state;
        int position = (int)s.SelfCaches[0].Length;
        var x = Embed(targetEmbedding, tokens.unsqueeze(1), position);            // (rows, 1, d)
        Tensor? weights = null;
        for (int i = 0; i < decoderLayers.Count; i++)
            (x, weights) = decoderLayers[i].Forward(x, s.Memory, s.MemoryMask, s.SelfCaches[i], s.CrossCaches[i]);
        var logProbs = Logits(decoderNorm.forward(x)).squeeze(1).log_softmax(1);  // (rows, V)
        return new StepOutput(logProbs, s, weights!.squeeze(1));
    }

    public override void Release(IDecoderState state) => ((TransformerState)state).Dispose();

    private Tensor Encode(Tensor source, Tensor sourceMask)
    {
        var x = Embed(sourceEmbedding, source, 0);
        foreach (var layer in encoderLayers) x = layer.forward(x, sourceMask);
        return encoderNorm.forward(x);                                             // (batch, S, d)
    }

    // tokens (batch, t) → dropout(√d·E + P) for positions first .. first+t-1.
    public override Tensor TargetEmbeddings => targetEmbedding.weight!;

    private Tensor Embed(Embedding embedding, Tensor tokens, int first)
    {
        long length = tokens.shape[1];
        if (first + length > Config.MaxPositions)
            throw new SpotlightException($"a sequence of {first + length} subwords is longer than this Transformer's {Config.MaxPositions} positions");
        var positions = learnedPositions is not null
            ? learnedPositions.forward(arange(first, first + length, dtype: ScalarType.Int64, device: tokens.device))
            : sinusoids!.narrow(0, first, length);
        return dropout.forward(embedding.forward(tokens) * scale + positions.unsqueeze(0));
    }

    private Tensor Logits(Tensor x) => output is not null ? output.forward(x) : x.matmul(targetEmbedding.weight!.t());
}

/// <summary>
/// Decoding state of the Transformer: per-layer key/value caches (selected in place, freed by
/// <see cref="Dispose"/>), the encoder output and its mask. The step's position is the self-attention cache length.
/// </summary>
public sealed record TransformerState(KeyValueCache[] SelfCaches, KeyValueCache[] CrossCaches, Tensor Memory, Tensor MemoryMask)
    : IDecoderState, IDisposable
{
    public IDecoderState Select(Tensor rowIndices)
    {
        foreach (var cache in SelfCaches.Concat(CrossCaches)) cache.Select(rowIndices);
        return this with { Memory = Memory.index_select(0, rowIndices), MemoryMask = MemoryMask.index_select(0, rowIndices) };
    }

    public IEnumerable<Tensor> Tensors => [Memory, MemoryMask];

    public void Dispose()
    {
        foreach (var cache in SelfCaches.Concat(CrossCaches)) cache.Dispose();
    }
}
