using Spotlight.Attention;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Transformer;

/// <summary>
/// Pre-norm decoder layer: masked self-attention, cross-attention over the encoder output, feed-forward, each as
/// x += drop(Sublayer(LN(x))). With caches (decoding) a call sees one new position and reuses earlier keys/values.
/// </summary>
public sealed class TransformerDecoderLayer : nn.Module
{
    private readonly LayerNorm selfNorm;
    private readonly MultiHeadAttention selfAttention;
    private readonly LayerNorm crossNorm;
    private readonly MultiHeadAttention crossAttention;
    private readonly LayerNorm feedNorm;
    private readonly FeedForward feedForward;
    private readonly Dropout dropout;

    public TransformerDecoderLayer(TransformerLayerSizes sizes) : base(nameof(TransformerDecoderLayer))
    {
        var attention = new AttentionConfig(sizes.ModelDim, sizes.ModelDim, Heads: sizes.Heads, Dropout: sizes.Dropout);
        selfNorm = LayerNorm(sizes.ModelDim);
        selfAttention = new MultiHeadAttention(attention);
        crossNorm = LayerNorm(sizes.ModelDim);
        crossAttention = new MultiHeadAttention(attention);
        feedNorm = LayerNorm(sizes.ModelDim);
        feedForward = new FeedForward(sizes.ModelDim, sizes.FeedForwardDim, sizes.Dropout);
        dropout = Dropout(sizes.Dropout);
        RegisterComponents();
    }

    /// <summary>
    /// x (batch, T, d), memory (batch, S, d), memoryMask (batch, S) or null → x (batch, T, d) and the cross-attention
    /// weights, averaged over heads (batch, T, S) or per head (batch, heads, T, S). Without caches the self-attention
    /// is causal over the T positions.
    /// </summary>
    public (Tensor X, Tensor CrossWeights) Forward(Tensor x, Tensor memory, Tensor? memoryMask,
        KeyValueCache? selfCache = null, KeyValueCache? crossCache = null, bool averageHeads = true)
    {
        x = SelfAttend(x, selfCache);
        var (context, weights) = crossAttention.forward(crossNorm.forward(x), memory, memory, memoryMask, averageHeads: averageHeads, cache: crossCache);
        return (FeedForward(x + dropout.forward(context)), weights);
    }

    /// <summary>The memory's cross-attention keys and values, projected once per sequence for <see cref="Step"/>.</summary>
    public AttentionMemory PrepareMemory(Tensor memory, Tensor? memoryMask) => crossAttention.Prepare(memory, memoryMask);

    /// <summary>
    /// One decoding step: x (rows, 1, d) → x (rows, 1, d) and the cross-attention weights averaged over heads (rows, S).
    /// The self-attention cache holds the earlier positions; the memory is prepared once (<see cref="PrepareMemory"/>)
    /// and, unlike a cross-attention <see cref="KeyValueCache"/>, kept once per item for all its beams.
    /// </summary>
    public (Tensor X, Tensor CrossWeights) Step(Tensor x, KeyValueCache selfCache, AttentionMemory memory)
    {
        x = SelfAttend(x, selfCache);
        var (context, weights) = crossAttention.Attend(memory, crossNorm.forward(x).squeeze(1));   // (rows, d), (rows, S)
        return (FeedForward(x + dropout.forward(context.unsqueeze(1))), weights);
    }

    private Tensor SelfAttend(Tensor x, KeyValueCache? cache)
    {
        var normed = selfNorm.forward(x);
        return x + dropout.forward(selfAttention.forward(normed, normed, normed, null, causal: cache is null, cache: cache).Context);
    }

    private Tensor FeedForward(Tensor x) => x + dropout.forward(feedForward.forward(feedNorm.forward(x)));
}
