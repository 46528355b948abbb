using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Vqa;

/// <summary>
/// One attention layer of the stacked attention network (Yang et al. 2016, eqs. 15–17):
/// h_A = tanh(W_I v_I ⊕ (W_Q u + b_A)), p_I = softmax(W_P h_A + b_P), ṽ_I = Σ_i p_i v_i, and the refined query
/// u' = ṽ_I + u.
/// Two optional terms, both off in the paper's network (<see cref="VqaConfig.RelativePositions"/>,
/// <see cref="VqaConfig.Counting"/>):
/// <list type="bullet">
/// <item><b>where, relative to the last focus</b>: h_A gains W_R r_i, with r_i the region's grid position minus the
/// previous hop's attended position (the first hop: minus the image centre). "The shape left of the green square" is
/// then a half-plane in r, which the additive score learns directly; without it the hop must compare two learnt
/// position codes inside one tanh, and the relation family stayed at the no-attention level.</item>
/// <item><b>how many</b>: n = Σ_i σ(w_G h_A,i + b_G), an unnormalised match count, enters the query as W_C n. The softmax
/// divides away how many regions match, so p_I alone cannot count (Zhang et al. 2018 make the same observation).</item>
/// </list>
/// </summary>
public sealed class AttentionHop : Module<Tensor, Tensor, Tensor?, (Tensor Query, Tensor Weights)>
{
    private readonly Linear imageProj;   // W_I
    private readonly Linear queryProj;   // W_Q, b_A
    private readonly Linear? offsetProj; // W_R
    private readonly Linear score;       // W_P, b_P
    private readonly Linear? gate;       // w_G, b_G
    private readonly Linear? countProj;  // W_C

    public AttentionHop(int hiddenDim, int attentionDim, bool relativePositions = false, bool counting = false) : base(nameof(AttentionHop))
    {
        imageProj = Linear(hiddenDim, attentionDim, hasBias: false);
        queryProj = Linear(hiddenDim, attentionDim);
        if (relativePositions) offsetProj = Linear(2, attentionDim, hasBias: false);
        score = Linear(attentionDim, 1);
        if (counting)
        {
            gate = Linear(attentionDim, 1);
            // Default-initialised, W_C·n first puts logits in the tens (n ≈ half the regions; a first loss of 37 where
            // ln(answers) ≈ 3), which training undoes within ~30 steps. Starting W_C at zero was tried and scored lower
            // (93.2 % against 94.7 %, one 30-minute run each; docs/vqa.md).
            countProj = Linear(1, hiddenDim, hasBias: false);
        }
        RegisterComponents();
    }

    /// <param name="regions">v_I (batch, regions, hidden)</param>
    /// <param name="query">u (batch, hidden)</param>
    /// <param name="offsets">r (batch, regions, 2), x and y in grid units of [-1, 1]; used only with relative positions</param>
    public override (Tensor Query, Tensor Weights) forward(Tensor regions, Tensor query, Tensor? offsets)
    {
        var pre = imageProj.forward(regions) + queryProj.forward(query).unsqueeze(1);       // (batch, regions, attention)
        if (offsetProj is not null)
            pre = pre + offsetProj.forward(offsets ?? throw new ArgumentNullException(nameof(offsets), "this hop attends relative to a position"));
        var h = tanh(pre);
        var weights = functional.softmax(score.forward(h).squeeze(-1), 1);                // (batch, regions)
        var attended = weights.unsqueeze(1).bmm(regions).squeeze(1);                       // (batch, hidden)
        var refined = attended + query;
        if (gate is not null)
            refined = refined + countProj!.forward(sigmoid(gate.forward(h)).sum(1));       // n: (batch, 1)
        return (refined, weights);
    }

    /// <summary>Grid cell centres (rows·columns, 2) as (x, y) in [-1, 1], row-major like the encoders' regions.</summary>
    public static Tensor GridPositions(int rows, int columns, Device device)
    {
        var y = ((arange(rows, float32, device) + 0.5f) * (2f / rows) - 1f).view(-1, 1).expand(rows, columns);
        var x = ((arange(columns, float32, device) + 0.5f) * (2f / columns) - 1f).view(1, -1).expand(rows, columns);
        return stack([x.reshape(-1), y.reshape(-1)], 1);
    }
}
