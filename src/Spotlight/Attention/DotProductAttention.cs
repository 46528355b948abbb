using static TorchSharp.torch;

namespace Spotlight.Attention;

/// <summary>
/// Luong et al. 2015 "dot" attention (eq. 8): score(q, k) = qᵀ k. No parameters; query and key sizes must be equal.
/// </summary>
public sealed class DotProductAttention : ScoredAttention
{
    private readonly AttentionConfig? config;

    /// <summary>Sizes are taken from the tensors; <see cref="ContextDim"/> is then unknown.</summary>
    public DotProductAttention() : base(nameof(DotProductAttention), 0.0) => RegisterComponents();

    /// <summary>Checks QueryDim == KeyDim now, and the tensors against them later.</summary>
    public DotProductAttention(AttentionConfig config) : base(nameof(DotProductAttention), config.Dropout)
    {
        ConfigChecks.RequireEqualDims(config, nameof(DotProductAttention));
        this.config = config;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override int ContextDim => config?.KeyDim ?? throw ConfigChecks.NoContextDim(nameof(DotProductAttention));

    public override Tensor PrepareKeys(Tensor keys) => keys;

    public override Tensor Score(Tensor query, Tensor preparedKeys)
    {
        ConfigChecks.RequireSameSize(query, preparedKeys, GetName());
        return query.matmul(preparedKeys.transpose(-2, -1));                             // (batch, tq, tk)
    }

    protected override void CheckDims(long queryDim, long keyDim)
    {
        if (config is not null) ConfigChecks.Require(config, queryDim, keyDim, GetName());
    }
}
