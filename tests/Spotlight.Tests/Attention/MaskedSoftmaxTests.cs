using Spotlight.Attention;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

public class MaskedSoftmaxTests
{
    [Fact]
    public void Softmax_of_1_2_0_9_2_1_is_0_2381_0_1764_0_5856()
    {
        // By hand: e^1.2 = 3.3201, e^0.9 = 2.4596, e^2.1 = 8.1662; sum = 13.9459.
        // 3.3201 / 13.9459 = 0.2381, 2.4596 / 13.9459 = 0.1764, 8.1662 / 13.9459 = 0.5856.
        // The project's seed document prints 0.28 / 0.21 / 0.51, which is wrong: the ratio of the last to the first
        // weight must be e^(2.1 − 1.2) = e^0.9 = 2.46, and 0.51 / 0.28 = 1.82.
        var scores = tensor(new[] { 1.2, 0.9, 2.1 }, ScalarType.Float64);
        Tensors.AssertValues([0.2381, 0.1764, 0.5856], AttentionMath.MaskedSoftmax(scores, null), 4);
        Tensors.AssertValues([0.2381, 0.1764, 0.5856], AttentionMath.MaskedSoftmax(scores, tensor(new[] { true, true, true })), 4);
    }

    [Fact]
    public void Masked_entries_are_exactly_zero_and_the_rest_is_the_softmax_of_the_unmasked_scores()
    {
        // Masking the middle score leaves softmax([1.2, 2.1]): e^1.2 / (e^1.2 + e^2.1) = 3.3201 / 11.4863 = 0.2891.
        var scores = tensor(new[] { 1.2, 0.9, 2.1 }, ScalarType.Float64);
        var weights = AttentionMath.MaskedSoftmax(scores, tensor(new[] { true, false, true }));
        Assert.Equal(0.0, Tensors.Values(weights)[1]);
        Tensors.AssertValues([0.2891, 0.0, 0.7109], weights, 4);
    }

    [Fact]
    public void Weights_sum_to_one_over_unmasked_keys_for_every_row()
    {
        var g = Tensors.Seeded(1);
        var scores = Tensors.Normal(g, ScalarType.Float32, 4, 3, 6) * 5;
        var mask = rand(new long[] { 4, 3, 6 }, generator: g) > 0.4;
        mask[.., .., 0] = tensor(true);                       // keep at least one key per row
        var weights = AttentionMath.MaskedSoftmax(scores, mask);
        Assert.True(weights.masked_select(mask.logical_not()).eq(0).all().item<bool>());
        Tensors.AssertClose(ones(4, 3), weights.sum(-1), 1e-6, "row sums");
        // An independent oracle per row: plain softmax over only the allowed entries.
        for (int b = 0; b < 4; b++)
            for (int q = 0; q < 3; q++)
            {
                var allowed = mask[b, q];
                Tensors.AssertClose(scores[b, q].masked_select(allowed).softmax(0), weights[b, q].masked_select(allowed), 1e-6);
            }
    }

    [Fact]
    public void An_all_masked_row_gives_zeros_and_a_finite_gradient()
    {
        var scores = tensor(new[,] { { 0.5, -1.0, 2.0 }, { 3.0, 1.0, -2.0 } }, ScalarType.Float64, requires_grad: true);
        var mask = tensor(new[,] { { true, false, true }, { false, false, false } });
        var weights = AttentionMath.MaskedSoftmax(scores, mask);
        Tensors.AssertValues([0.0, 0.0, 0.0], weights[1], 12);
        Assert.False(weights.isnan().any().item<bool>());
        (weights * tensor(new[,] { { 1.0, 2.0, 3.0 }, { 4.0, 5.0, 6.0 } }, ScalarType.Float64)).sum().backward();
        Assert.True(scores.grad!.isfinite().all().item<bool>());
        Tensors.AssertValues([0.0, 0.0, 0.0], scores.grad[1], 12);   // nothing to learn from a row that sees nothing
        Assert.NotEqual(0.0, Tensors.Values(scores.grad[0])[0]);
    }

    [Fact]
    public void A_mask_broadcasts_over_query_rows()
    {
        var g = Tensors.Seeded(2);
        var scores = Tensors.Normal(g, ScalarType.Float32, 2, 3, 4);
        var mask = tensor(new[,] { { true, true, false, true }, { false, true, true, true } }).unsqueeze(1);  // (2, 1, 4)
        var weights = AttentionMath.MaskedSoftmax(scores, mask);
        Tensors.AssertClose(AttentionMath.MaskedSoftmax(scores, mask.expand(2, 3, 4)), weights, 0, "broadcast vs expanded");
        Assert.Equal(0f, weights[0, 2, 2].item<float>());
    }

    [Fact]
    public void A_non_bool_mask_is_refused_with_a_clear_message()
    {
        var error = Assert.Throws<SpotlightException>(() => AttentionMath.MaskedSoftmax(ones(3), ones(3)));
        Assert.Contains("must be bool", error.Message);
    }

    [Fact]
    public void Softmax_gradient_matches_finite_differences_with_a_mask()
    {
        var g = Tensors.Seeded(3);
        var scores = Tensors.Normal(g, ScalarType.Float64, 2, 5).requires_grad_();
        var mask = tensor(new[,] { { true, false, true, true, false }, { false, false, false, false, false } });
        var r = Tensors.Normal(g, ScalarType.Float64, 2, 5);
        GradCheck.AssertGradientsMatch(() => (AttentionMath.MaskedSoftmax(scores, mask) * r).sum(), [("scores", scores)]);
    }

    [Fact]
    public void Causal_mask_lets_the_last_query_see_every_key()
    {
        // tq = 2 new queries after 1 cached key (tk = 3): query 0 is position 1 (sees keys 0, 1), query 1 sees all.
        Assert.Equal(new[] { true, true, false, true, true, true }, AttentionMath.CausalMask(2, 3).flatten().data<bool>().ToArray());
    }
}
