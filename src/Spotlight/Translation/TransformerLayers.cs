using Spotlight.Attention;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Translation;

/// <summary>Position-wise feed-forward network (Vaswani et al. 2017, eq. 2): W_2 dropout(ReLU(W_1 x + b_1)) + b_2.</summary>
public sealed class FeedForward : Module<Tensor, Tensor>
{
    private readonly Linear expand;
    private readonly Dropout dropout;
    private readonly Linear contract;

    public FeedForward(int modelDim, int hiddenDim, double dropoutRate) : base(nameof(FeedForward))
    {
        expand = Linear(modelDim, hiddenDim);
        dropout = Dropout(dropoutRate);
        contract = Linear(hiddenDim, modelDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => contract.forward(dropout.forward(functional.relu(expand.forward(x))));
}

/// <summary>
/// Pre-norm encoder layer (Xiong et al. 2020): x += drop(SelfAttn(LN(x))); x += drop(FFN(LN(x))). Normalising
/// before each sublayer keeps the residual path an identity, so training needs far less warm-up than post-norm.
/// </summary>
public sealed class TransformerEncoderLayer : Module<Tensor, Tensor?, Tensor>
{
    private readonly LayerNorm selfNorm;
    private readonly MultiHeadAttention selfAttention;
    private readonly LayerNorm feedNorm;
    private readonly FeedForward feedForward;
    private readonly Dropout dropout;

    public TransformerEncoderLayer(TranslatorConfig config) : base(nameof(TransformerEncoderLayer))
    {
        selfNorm = LayerNorm(config.ModelDim);
        selfAttention = new MultiHeadAttention(new AttentionConfig(config.ModelDim, config.ModelDim, Heads: config.Heads, Dropout: config.Dropout));
        feedNorm = LayerNorm(config.ModelDim);
        feedForward = new FeedForward(config.ModelDim, config.FeedForwardDim, config.Dropout);
        dropout = Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <summary>x (batch, S, d), mask (batch, S) true = real token → (batch, S, d).</summary>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        var normed = selfNorm.forward(x);
        x = x + dropout.forward(selfAttention.forward(normed, normed, normed, mask).Context);
        return x + dropout.forward(feedForward.forward(feedNorm.forward(x)));
    }
}

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

    public TransformerDecoderLayer(TranslatorConfig config) : base(nameof(TransformerDecoderLayer))
    {
        var sizes = new AttentionConfig(config.ModelDim, config.ModelDim, Heads: config.Heads, Dropout: config.Dropout);
        selfNorm = LayerNorm(config.ModelDim);
        selfAttention = new MultiHeadAttention(sizes);
        crossNorm = LayerNorm(config.ModelDim);
        crossAttention = new MultiHeadAttention(sizes);
        feedNorm = LayerNorm(config.ModelDim);
        feedForward = new FeedForward(config.ModelDim, config.FeedForwardDim, config.Dropout);
        dropout = Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <summary>
    /// x (batch, T, d), memory (batch, S, d), memoryMask (batch, S) → x (batch, T, d) and the cross-attention
    /// weights averaged over heads (batch, T, S). Without caches the self-attention is causal over the T positions.
    /// </summary>
    public (Tensor X, Tensor CrossWeights) Forward(Tensor x, Tensor memory, Tensor memoryMask,
        KeyValueCache? selfCache = null, KeyValueCache? crossCache = null)
    {
        var normed = selfNorm.forward(x);
        x = x + dropout.forward(selfAttention.forward(normed, normed, normed, null, causal: selfCache is null, cache: selfCache).Context);
        var (context, weights) = crossAttention.forward(crossNorm.forward(x), memory, memory, memoryMask, cache: crossCache);
        x = x + dropout.forward(context);
        return (x + dropout.forward(feedForward.forward(feedNorm.forward(x))), weights);
    }
}
