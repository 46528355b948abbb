using Spotlight.Attention;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Transformer;

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

    public TransformerEncoderLayer(TransformerLayerSizes sizes) : base(nameof(TransformerEncoderLayer))
    {
        selfNorm = LayerNorm(sizes.ModelDim);
        selfAttention = new MultiHeadAttention(new AttentionConfig(sizes.ModelDim, sizes.ModelDim, Heads: sizes.Heads, Dropout: sizes.Dropout));
        feedNorm = LayerNorm(sizes.ModelDim);
        feedForward = new FeedForward(sizes.ModelDim, sizes.FeedForwardDim, sizes.Dropout);
        dropout = Dropout(sizes.Dropout);
        RegisterComponents();
    }

    /// <summary>x (batch, S, d), mask (batch, S) true = real position, or null → (batch, S, d).</summary>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        var normed = selfNorm.forward(x);
        x = x + dropout.forward(selfAttention.forward(normed, normed, normed, mask).Context);
        return x + dropout.forward(feedForward.forward(feedNorm.forward(x)));
    }
}
