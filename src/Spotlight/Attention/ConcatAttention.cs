using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Attention;

/// <summary>
/// Luong et al. 2015 "concat" attention (eq. 8): score(q, k) = vᵀ tanh(W [q; k]), no bias.
/// </summary>
/// <remarks>
/// W [q; k] = W_q q + W_k k with W = [W_q | W_k], so the key half is applied once per memory and the concatenation
/// (batch, tq, tk, queryDim + keyDim) is never built.
/// </remarks>
public sealed class ConcatAttention : ScoredAttention
{
    private readonly Linear w;          // W, (hidden, queryDim + keyDim)
    private readonly Linear v;          // v
    private readonly AttentionConfig config;

    public ConcatAttention(AttentionConfig config) : base(nameof(ConcatAttention), config.Dropout)
    {
        config.Validate();
        this.config = config;
        w = Linear(config.QueryDim + config.KeyDim, config.ResolvedHiddenDim, hasBias: false);
        v = Linear(config.ResolvedHiddenDim, 1, hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override int ContextDim => config.KeyDim;

    /// <summary>W_k k, the key half of W applied once per memory.</summary>
    public override Tensor PrepareKeys(Tensor keys) =>
        keys.matmul(w.weight.narrow(1, config.QueryDim, config.KeyDim).t());              // (batch, tk, hidden)

    public override Tensor Score(Tensor query, Tensor preparedKeys)
    {
        var queryPart = query.matmul(w.weight.narrow(1, 0, config.QueryDim).t());        // (batch, tq, hidden)
        var hidden = tanh(queryPart.unsqueeze(2) + preparedKeys.unsqueeze(1));          // (batch, tq, tk, hidden)
        return v.forward(hidden).squeeze(-1);                                            // (batch, tq, tk)
    }

    protected override void CheckDims(long queryDim, long keyDim) => ConfigChecks.Require(config, queryDim, keyDim, GetName());
}
