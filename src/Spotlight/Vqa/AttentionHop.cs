using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Vqa;

/// <summary>
/// One attention layer of the stacked attention network (Yang et al. 2016, eqs. 15–17):
/// h_A = tanh(W_I v_I ⊕ (W_Q u + b_A)), p_I = softmax(W_P h_A + b_P), ṽ_I = Σ_i p_i v_i, and the refined query
/// u' = ṽ_I + u.
/// </summary>
public sealed class AttentionHop : Module<Tensor, Tensor, (Tensor Query, Tensor Weights)>
{
    private readonly Linear imageProj;   // W_I
    private readonly Linear queryProj;   // W_Q, b_A
    private readonly Linear score;       // W_P, b_P

    public AttentionHop(int hiddenDim, int attentionDim) : base(nameof(AttentionHop))
    {
        imageProj = Linear(hiddenDim, attentionDim, hasBias: false);
        queryProj = Linear(hiddenDim, attentionDim);
        score = Linear(attentionDim, 1);
        RegisterComponents();
    }

    /// <param name="regions">v_I (batch, regions, hidden)</param>
    /// <param name="query">u (batch, hidden)</param>
    public override (Tensor Query, Tensor Weights) forward(Tensor regions, Tensor query)
    {
        var h = tanh(imageProj.forward(regions) + queryProj.forward(query).unsqueeze(1));   // (batch, regions, attention)
        var weights = functional.softmax(score.forward(h).squeeze(-1), 1);                // (batch, regions)
        var attended = weights.unsqueeze(1).bmm(regions).squeeze(1);                       // (batch, hidden)
        return (attended + query, weights);
    }
}
