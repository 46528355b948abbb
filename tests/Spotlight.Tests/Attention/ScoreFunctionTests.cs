using Spotlight.Attention;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>Each score function on 2 queries × 2 or 3 keys, against arithmetic done by hand in the comments.</summary>
public class ScoreFunctionTests
{
    // Shared by dot and scaled: q1 = [1, 2], q2 = [0, 0]; k = [1, 0], [0, 1], [1, 1]; v = [1, 0], [0, 1], [2, 2].
    private static readonly double[,] Queries = { { 1, 2 }, { 0, 0 } };
    private static readonly double[,] Keys = { { 1, 0 }, { 0, 1 }, { 1, 1 } };
    private static readonly double[,] Values = { { 1, 0 }, { 0, 1 }, { 2, 2 } };

    [Fact]
    public void Dot_product_scores_are_q_dot_k()
    {
        // q1·k = [1, 2, 3]; e^1 = 2.7183, e^2 = 7.3891, e^3 = 20.0855, sum 30.1929 → [0.0900, 0.2447, 0.6652].
        // q2·k = [0, 0, 0] → uniform 1/3 each.
        // Context q1 = 0.0900·[1,0] + 0.2447·[0,1] + 0.6652·[2,2] = [1.4205, 1.5752]; q2 = ([1,0]+[0,1]+[2,2])/3 = [1, 1].
        var (context, weights) = new DotProductAttention().forward(Tensors.Batch1(Queries), Tensors.Batch1(Keys), Tensors.Batch1(Values), null);
        Tensors.AssertValues([0.0900, 0.2447, 0.6652, 0.3333, 0.3333, 0.3333], weights, 4);
        Tensors.AssertValues([1.4205, 1.5752, 1.0, 1.0], context, 4);
    }

    [Fact]
    public void Scaled_dot_product_scores_are_q_dot_k_over_root_d()
    {
        // d = 2: q1·k / √2 = [0.7071, 1.4142, 2.1213]; e^ = [2.0281, 4.1133, 8.3421], sum 14.4835
        // → [0.1400, 0.2840, 0.5760]. q2 → uniform.
        // Context q1 = [0.1400 + 2·0.5760, 0.2840 + 2·0.5760] = [1.2920, 1.4359]; q2 = [1, 1].
        var (context, weights) = new ScaledDotProductAttention().forward(Tensors.Batch1(Queries), Tensors.Batch1(Keys), Tensors.Batch1(Values), null);
        Tensors.AssertValues([0.1400, 0.2840, 0.5760, 0.3333, 0.3333, 0.3333], weights, 4);
        Tensors.AssertValues([1.2920, 1.4359, 1.0, 1.0], context, 4);
    }

    [Fact]
    public void General_scores_are_q_W_k()
    {
        // W = [[1, 0, 1], [0, 2, 0]] (2×3); k1 = [1, 0, 0] → W k1 = [1, 0]; k2 = [0, 1, 0] → W k2 = [0, 2].
        // q1 = [1, 1] → scores [1, 2] → [e/(e+e²), e²/(e+e²)] = [0.2689, 0.7311].
        // q2 = [2, 0] → scores [2, 0] → [e²/(e²+1), 1/(e²+1)] = [0.8808, 0.1192]. Values = keys, so context = w1·k1 + w2·k2.
        var attention = new GeneralAttention(new AttentionConfig(QueryDim: 2, KeyDim: 3));
        Params.Set(attention, "w.weight", new double[,] { { 1, 0, 1 }, { 0, 2, 0 } });
        var keys = Tensors.Batch1(new double[,] { { 1, 0, 0 }, { 0, 1, 0 } });
        var (context, weights) = attention.forward(Tensors.Batch1(new double[,] { { 1, 1 }, { 2, 0 } }), keys, keys, null);
        Tensors.AssertValues([0.2689, 0.7311, 0.8808, 0.1192], weights, 4);
        Tensors.AssertValues([0.2689, 0.7311, 0, 0.8808, 0.1192, 0], context, 4);
    }

    [Fact]
    public void Additive_scores_are_v_tanh_of_Wq_q_plus_Wk_k_plus_b()
    {
        // W_q = [[2, 0], [0, 0]], W_k = I, b = [0, 1], v = [1, 1]; k1 = [0, 0], k2 = [1, 0].
        // q1 = [0.5, 3] → W_q q1 = [1, 0]: k1 → tanh([1, 1]) = 0.7616 + 0.7616 = 1.5232;
        //                                   k2 → tanh([2, 1]) = 0.9640 + 0.7616 = 1.7256;
        //   softmax: difference 0.2024, w2 = 1 / (1 + e^−0.2024) = 0.5504, w1 = 0.4496.
        // q2 = [0, 5] → W_q q2 = [0, 0]: k1 → tanh([0, 1]) = 0.7616; k2 → tanh([1, 1]) = 1.5232;
        //   difference 0.7616, w2 = 1 / (1 + e^−0.7616) = 0.6817, w1 = 0.3183.
        // Swapping W_q and W_k, or dropping b, gives other numbers. Values are one-hot, so context = weights.
        var attention = new AdditiveAttention(new AttentionConfig(QueryDim: 2, KeyDim: 2, HiddenDim: 2));
        Params.Set(attention, "queryProj.weight", new double[,] { { 2, 0 }, { 0, 0 } });
        Params.Set(attention, "keyProj.weight", new double[,] { { 1, 0 }, { 0, 1 } });
        Params.Set(attention, "keyProj.bias", new double[,] { { 0, 1 } });
        Params.Set(attention, "v.weight", new double[,] { { 1, 1 } });
        var (context, weights) = attention.forward(Tensors.Batch1(new double[,] { { 0.5, 3 }, { 0, 5 } }),
            Tensors.Batch1(new double[,] { { 0, 0 }, { 1, 0 } }), Tensors.Batch1(new double[,] { { 1, 0 }, { 0, 1 } }), null);
        Tensors.AssertValues([0.4496, 0.5504, 0.3183, 0.6817], weights, 4);
        Tensors.AssertValues([0.4496, 0.5504, 0.3183, 0.6817], context, 4);
    }

    [Fact]
    public void Concat_scores_are_v_tanh_of_W_times_q_stacked_on_k()
    {
        // W = [[2, 0 | 1, 0], [0, 0 | 0, 1]] acting on [q; k], v = [1, 1], no bias; k1 = [0, 0], k2 = [1, 1].
        // q1 = [0.5, 3]: W[q1; k1] = [1, 0] → tanh → 0.7616 + 0 = 0.7616; W[q1; k2] = [2, 1] → 0.9640 + 0.7616 = 1.7256;
        //   difference 0.9640, w2 = 1 / (1 + e^−0.9640) = 0.7239, w1 = 0.2761.
        // q2 = [0, 5]: W[q2; k1] = [0, 0] → 0; W[q2; k2] = [1, 1] → 1.5232; w2 = 1 / (1 + e^−1.5232) = 0.8210, w1 = 0.1790.
        var attention = new ConcatAttention(new AttentionConfig(QueryDim: 2, KeyDim: 2, HiddenDim: 2));
        Params.Set(attention, "w.weight", new double[,] { { 2, 0, 1, 0 }, { 0, 0, 0, 1 } });
        Params.Set(attention, "v.weight", new double[,] { { 1, 1 } });
        var (context, weights) = attention.forward(Tensors.Batch1(new double[,] { { 0.5, 3 }, { 0, 5 } }),
            Tensors.Batch1(new double[,] { { 0, 0 }, { 1, 1 } }), Tensors.Batch1(new double[,] { { 1, 0 }, { 0, 1 } }), null);
        Tensors.AssertValues([0.2761, 0.7239, 0.1790, 0.8210], weights, 4);
        Tensors.AssertValues([0.2761, 0.7239, 0.1790, 0.8210], context, 4);
    }

    [Fact]
    public void Concat_equals_additive_without_bias_when_W_is_Wq_beside_Wk()
    {
        var g = Tensors.Seeded(4);
        var config = new AttentionConfig(QueryDim: 3, KeyDim: 5, HiddenDim: 4);
        var concat = new ConcatAttention(config);
        var additive = new AdditiveAttention(config);
        Params.Randomize(concat, g);
        Params.Randomize(additive, g);
        using (no_grad())
        {
            var w = Params.Get(concat, "w.weight");
            Params.Get(additive, "queryProj.weight").copy_(w.narrow(1, 0, 3));
            Params.Get(additive, "keyProj.weight").copy_(w.narrow(1, 3, 5));
            Params.Get(additive, "keyProj.bias").zero_();
            Params.Get(additive, "v.weight").copy_(Params.Get(concat, "v.weight"));
        }
        var (q, k, v) = (Tensors.Normal(g, ScalarType.Float32, 2, 3, 3), Tensors.Normal(g, ScalarType.Float32, 2, 4, 5), Tensors.Normal(g, ScalarType.Float32, 2, 4, 2));
        var (c1, w1) = concat.forward(q, k, v, null);
        var (c2, w2) = additive.forward(q, k, v, null);
        Tensors.AssertClose(w1, w2, 1e-6, "weights");
        Tensors.AssertClose(c1, c2, 1e-6, "context");
    }
}
