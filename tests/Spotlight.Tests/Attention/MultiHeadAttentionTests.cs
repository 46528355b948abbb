using Spotlight.Attention;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

public class MultiHeadAttentionTests
{
    [Fact]
    public void Per_head_weights_match_an_explicit_per_head_computation_and_average_to_the_returned_weights()
    {
        var g = Tensors.Seeded(40);
        var attention = new MultiHeadAttention(new AttentionConfig(QueryDim: 6, KeyDim: 4, Heads: 3)).to(ScalarType.Float64);
        Params.Randomize(attention, g);
        var query = Tensors.Normal(g, ScalarType.Float64, 2, 3, 6);
        var memory = Tensors.Normal(g, ScalarType.Float64, 2, 5, 4);
        var mask = tensor(new[,] { { true, true, false, true, true }, { false, true, true, true, false } });
        var (_, perHead) = attention.forward(query, memory, memory, mask, averageHeads: false);
        var (_, averaged) = attention.forward(query, memory, memory, mask);
        Assert.Equal(new long[] { 2, 3, 3, 5 }, perHead.shape);

        // Head h uses rows 2h..2h+1 of W^Q and W^K (head size 6 / 3 = 2): softmax((q W_h^Q + b)(k W_h^K + b)ᵀ / √2).
        var (wq, bq) = (Params.Get(attention, "queryProj.weight"), Params.Get(attention, "queryProj.bias"));
        var (wk, bk) = (Params.Get(attention, "keyProj.weight"), Params.Get(attention, "keyProj.bias"));
        for (int h = 0; h < 3; h++)
        {
            var q = query.matmul(wq.narrow(0, 2 * h, 2).t()) + bq.narrow(0, 2 * h, 2);   // (2, 3, 2)
            var k = memory.matmul(wk.narrow(0, 2 * h, 2).t()) + bk.narrow(0, 2 * h, 2);  // (2, 5, 2)
            var scores = q.matmul(k.transpose(1, 2)) / Math.Sqrt(2);
            var expected = scores.masked_fill(mask.logical_not().unsqueeze(1), double.NegativeInfinity).softmax(-1);
            Tensors.AssertClose(expected, perHead.select(1, h), 1e-12, $"head {h}");
        }
        Tensors.AssertClose(perHead.mean([1]), averaged, 1e-12, "average over heads");
    }

    [Fact]
    public void A_query_that_may_see_no_key_gets_zero_weights_and_the_output_bias_not_NaN()
    {
        var g = Tensors.Seeded(41);
        var attention = new MultiHeadAttention(new AttentionConfig(QueryDim: 4, KeyDim: 4, Heads: 2));
        Params.Randomize(attention, g);
        var x = Tensors.Normal(g, ScalarType.Float32, 1, 3, 4);
        var (context, weights) = attention.forward(x, x, x, zeros(1, 3, ScalarType.Bool));
        Assert.True(weights.eq(0).all().item<bool>());
        Tensors.AssertClose(Params.Get(attention, "outProj.bias").expand(1, 3, 4), context, 0, "context");
    }

    [Fact]
    public void Dropout_applies_to_weights_only_in_training_mode()
    {
        var g = Tensors.Seeded(42);
        var config = new AttentionConfig(QueryDim: 4, KeyDim: 4, Heads: 2, Dropout: 0.5);
        var dropped = new MultiHeadAttention(config);
        var plain = new MultiHeadAttention(config with { Dropout = 0.0 });
        Params.Randomize(dropped, g);
        using (no_grad())
            foreach (var (name, p) in plain.named_parameters()) p.copy_(Params.Get(dropped, name));
        var x = Tensors.Normal(g, ScalarType.Float32, 2, 6, 4);

        dropped.eval();
        Tensors.AssertClose(plain.forward(x, x, x).Context, dropped.forward(x, x, x).Context, 0, "eval-mode context");

        dropped.train();
        var (_, perHead) = dropped.forward(x, x, x, averageHeads: false);
        Assert.True(perHead.eq(0).any().item<bool>(), "some weights were dropped in training");
        Assert.False(perHead.eq(0).all().item<bool>());
    }

    [Fact]
    public void Heads_that_do_not_divide_the_model_dimension_are_refused_with_a_clear_message()
    {
        var error = Assert.Throws<SpotlightException>(() => new MultiHeadAttention(new AttentionConfig(QueryDim: 6, KeyDim: 6, Heads: 4)));
        Assert.Equal("attention config: Heads = 4 must divide QueryDim = 6", error.Message);
    }

    [Fact]
    public void A_query_of_the_wrong_size_is_refused_with_a_clear_message()
    {
        var attention = new MultiHeadAttention(new AttentionConfig(QueryDim: 4, KeyDim: 6, Heads: 2));
        var error = Assert.Throws<SpotlightException>(() => attention.forward(ones(1, 2, 6), ones(1, 3, 6), ones(1, 3, 6)));
        Assert.Equal("MultiHeadAttention: query must be (batch, t, 4), got (1, 2, 6)", error.Message);
    }
}
