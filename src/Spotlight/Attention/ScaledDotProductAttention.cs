using static TorchSharp.torch;

namespace Spotlight.Attention;

/// <summary>
/// Scaled dot-product attention (Vaswani et al. 2017, eq. 1): softmax(QKᵀ / √d_k) V, with dropout on the weights in
/// training mode. Accepts extra leading dimensions, e.g. (batch, heads, t, d), as used by <see cref="MultiHeadAttention"/>.
/// </summary>
public sealed class ScaledDotProductAttention : ScoredAttention
{
    private readonly AttentionConfig? config;

    /// <summary>Sizes are taken from the tensors; <see cref="ContextDim"/> is then unknown.</summary>
    public ScaledDotProductAttention(double dropout = 0.0) : base(nameof(ScaledDotProductAttention), dropout) => RegisterComponents();

    /// <summary>Checks QueryDim == KeyDim now, and the tensors against them later; dropout from the config.</summary>
    public ScaledDotProductAttention(AttentionConfig config) : base(nameof(ScaledDotProductAttention), config.Dropout)
    {
        ConfigChecks.RequireEqualDims(config, nameof(ScaledDotProductAttention));
        this.config = config;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override int ContextDim => config?.KeyDim ?? throw ConfigChecks.NoContextDim(nameof(ScaledDotProductAttention));

    public override Tensor PrepareKeys(Tensor keys) => keys;

    public override Tensor Score(Tensor query, Tensor preparedKeys)
    {
        ConfigChecks.RequireSameSize(query, preparedKeys, GetName());
        // Dividing by √d_k keeps the scores' variance near 1 however wide the keys are, so softmax does not saturate.
        return query.matmul(preparedKeys.transpose(-2, -1)) / Math.Sqrt(query.shape[^1]);  // (batch, ..., tq, tk)
    }

    protected override void CheckDims(long queryDim, long keyDim)
    {
        if (config is not null) ConfigChecks.Require(config, queryDim, keyDim, GetName());
    }
}
