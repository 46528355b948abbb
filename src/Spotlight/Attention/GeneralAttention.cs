using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Attention;

/// <summary>Luong et al. 2015 "general" attention (eq. 8): score(q, k) = qᵀ W k, no bias.</summary>
public sealed class GeneralAttention : ScoredAttention
{
    private readonly Linear w;          // W as a map from key space to query space, (queryDim, keyDim)
    private readonly AttentionConfig config;

    public GeneralAttention(AttentionConfig config) : base(nameof(GeneralAttention), config.Dropout)
    {
        config.Validate();
        this.config = config;
        w = Linear(config.KeyDim, config.QueryDim, hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override int ContextDim => config.KeyDim;

    /// <summary>W k, computed once per memory; a step then costs one dot product per key.</summary>
    public override Tensor PrepareKeys(Tensor keys) => w.forward(keys);                  // (batch, tk, queryDim)

    public override Tensor Score(Tensor query, Tensor preparedKeys) =>
        query.matmul(preparedKeys.transpose(-2, -1));                                    // (batch, tq, tk)

    protected override void CheckDims(long queryDim, long keyDim) => ConfigChecks.Require(config, queryDim, keyDim, GetName());
}
