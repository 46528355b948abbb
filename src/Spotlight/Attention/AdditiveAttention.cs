using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Attention;

/// <summary>
/// Additive attention (Bahdanau et al. 2015, eq. 6; Xu et al. 2015 use it over image regions):
/// score(q, k) = vᵀ tanh(W_q q + W_k k + b). This is <see cref="ConcatAttention"/> plus the bias b inside the tanh.
/// </summary>
public sealed class AdditiveAttention : ScoredAttention
{
    private readonly Linear keyProj;    // W_k and b, applied once per memory (see PrepareKeys)
    private readonly Linear queryProj;  // W_q
    private readonly Linear v;          // v
    private readonly AttentionConfig config;

    public AdditiveAttention(AttentionConfig config) : base(nameof(AdditiveAttention), config.Dropout)
    {
        config.Validate();
        this.config = config;
        keyProj = Linear(config.KeyDim, config.ResolvedHiddenDim);
        queryProj = Linear(config.QueryDim, config.ResolvedHiddenDim, hasBias: false);
        v = Linear(config.ResolvedHiddenDim, 1, hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override int ContextDim => config.KeyDim;

    /// <summary>Keys are fixed while decoding, so W_k k + b is computed once, not at every step.</summary>
    public override Tensor PrepareKeys(Tensor keys) => keyProj.forward(keys);  // (batch, tk, hidden)

    public override Tensor Score(Tensor query, Tensor preparedKeys)
    {
        var hidden = tanh(queryProj.forward(query).unsqueeze(2) + preparedKeys.unsqueeze(1));  // (batch, tq, tk, hidden)
        return v.forward(hidden).squeeze(-1);                                                  // (batch, tq, tk)
    }

    protected override void CheckDims(long queryDim, long keyDim) => ConfigChecks.Require(config, queryDim, keyDim, GetName());
}
