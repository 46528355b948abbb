using Spotlight.Attention;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>Properties every attention module must have, checked for each of them.</summary>
public class AttentionInvariantTests
{
    public static TheoryData<string> Modules => AttentionCases.Names;

    [Theory, MemberData(nameof(Modules))]
    public void Padded_keys_that_are_masked_out_change_nothing(string name)
    {
        var c = AttentionCases.Get(name);
        var g = Tensors.Seeded(20);
        var module = c.Create(g);
        var (q, k, v) = Inputs(c, g, batch: 2, tq: 3, tk: 4);
        var (context, weights) = AttentionCase.Forward(module, q, k, v, ones(2, 4, ScalarType.Bool));

        // Two garbage positions with large values, masked out.
        var kPadded = cat([k, Tensors.Normal(g, ScalarType.Float32, 2, 2, c.KeyDim) * 100], 1);
        var vPadded = cat([v, Tensors.Normal(g, ScalarType.Float32, 2, 2, c.KeyDim) * 100], 1);
        var mask = cat([ones(2, 4, ScalarType.Bool), zeros(2, 2, ScalarType.Bool)], 1);
        var (paddedContext, paddedWeights) = AttentionCase.Forward(module, q, kPadded, vPadded, mask);

        Tensors.AssertClose(context, paddedContext, 1e-5, "context");
        Tensors.AssertClose(weights, paddedWeights.narrow(-1, 0, 4), 1e-6, "weights on real keys");
        Assert.True(paddedWeights.narrow(-1, 4, 2).eq(0).all().item<bool>(), "weights on padding are exactly 0");
    }

    [Theory, MemberData(nameof(Modules))]
    public void An_items_result_does_not_depend_on_the_rest_of_its_batch(string name)
    {
        var c = AttentionCases.Get(name);
        var g = Tensors.Seeded(21);
        var module = c.Create(g);
        var (q, k, v) = Inputs(c, g, batch: 3, tq: 2, tk: 5);
        var mask = tensor(new[,] { { true, true, true, false, false }, { true, true, true, true, true }, { false, true, false, true, true } });
        var (context, weights) = AttentionCase.Forward(module, q, k, v, mask);
        for (int b = 0; b < 3; b++)
        {
            var one = arange(b, b + 1);
            var (alone, aloneWeights) = AttentionCase.Forward(module, q.index_select(0, one), k.index_select(0, one), v.index_select(0, one), mask.index_select(0, one));
            Tensors.AssertClose(context.index_select(0, one), alone, 1e-6, $"context of item {b}");
            Tensors.AssertClose(weights.index_select(0, one), aloneWeights, 1e-6, $"weights of item {b}");
        }
    }

    [Theory, MemberData(nameof(Modules))]
    public void Prepare_then_Attend_equals_forward_with_one_query(string name)
    {
        var c = AttentionCases.Get(name);
        var g = Tensors.Seeded(22);
        var module = c.Create(g);
        var step = (IStepAttention)module;
        var memory = Tensors.Normal(g, ScalarType.Float32, 2, 5, c.KeyDim);
        var mask = tensor(new[,] { { true, true, false, true, false }, { true, true, true, true, true } });
        var prepared = step.Prepare(memory, mask);
        for (int t = 0; t < 3; t++)   // the same prepared memory serves every step
        {
            var query = Tensors.Normal(g, ScalarType.Float32, 2, c.QueryDim);
            var (context, weights) = step.Attend(prepared, query);
            var (expected, expectedWeights) = AttentionCase.Forward(module, query.unsqueeze(1), memory, memory, mask);
            Tensors.AssertClose(expected.squeeze(1), context, 1e-6, $"context at step {t}");
            Tensors.AssertClose(expectedWeights.squeeze(1), weights, 1e-6, $"weights at step {t}");
        }
    }

    [Theory, MemberData(nameof(Modules))]
    public void Selecting_a_prepared_memory_reorders_attend_results_like_the_batch(string name)
    {
        var c = AttentionCases.Get(name);
        var g = Tensors.Seeded(23);
        var step = (IStepAttention)c.Create(g);
        var prepared = step.Prepare(Tensors.Normal(g, ScalarType.Float32, 2, 4, c.KeyDim), tensor(new[,] { { true, false, true, true }, { true, true, true, false } }));
        var beams = tensor(new long[] { 1, 1, 0 });   // item 1 twice, then item 0: as beam search does
        var query = Tensors.Normal(g, ScalarType.Float32, 2, c.QueryDim);
        var (context, weights) = step.Attend(prepared, query);
        var (selected, selectedWeights) = step.Attend(prepared.Select(beams), query.index_select(0, beams));
        Tensors.AssertClose(context.index_select(0, beams), selected, 1e-6, "context");
        Tensors.AssertClose(weights.index_select(0, beams), selectedWeights, 1e-6, "weights");
    }

    [Theory, MemberData(nameof(Modules))]
    public void A_per_query_mask_equals_the_key_mask_repeated_and_rows_sum_to_one(string name)
    {
        var c = AttentionCases.Get(name);
        var g = Tensors.Seeded(24);
        var module = c.Create(g);
        var (q, k, v) = Inputs(c, g, batch: 2, tq: 3, tk: 4);
        var keyMask = tensor(new[,] { { true, false, true, true }, { false, true, true, false } });
        var (context, weights) = AttentionCase.Forward(module, q, k, v, keyMask);
        var (perQuery, perQueryWeights) = AttentionCase.Forward(module, q, k, v, keyMask.unsqueeze(1).expand(2, 3, 4));
        Tensors.AssertClose(context, perQuery, 1e-6, "context");
        Tensors.AssertClose(weights, perQueryWeights, 1e-6, "weights");
        Tensors.AssertClose(ones(2, 3), weights.sum(-1), 1e-6, "row sums");
    }

    [Theory, MemberData(nameof(Modules))]
    public void Gradients_match_finite_differences_in_float64(string name)
    {
        var c = AttentionCases.Get(name);
        var g = Tensors.Seeded(25);
        var module = c.Create(g, ScalarType.Float64);
        var q = Tensors.Normal(g, ScalarType.Float64, 2, 2, c.QueryDim).requires_grad_();
        var k = Tensors.Normal(g, ScalarType.Float64, 2, 3, c.KeyDim).requires_grad_();
        var v = Tensors.Normal(g, ScalarType.Float64, 2, 3, c.KeyDim).requires_grad_();
        var mask = tensor(new[,] { { true, false, true }, { true, true, true } });
        var loss = GradCheck.WeightedSum(() => AttentionCase.Forward(module, q, k, v, mask), g);
        var leaves = module.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat([("query", q), ("keys", k), ("values", v)]).ToList();
        GradCheck.AssertGradientsMatch(loss, leaves);
    }

    private static (Tensor Q, Tensor K, Tensor V) Inputs(AttentionCase c, Generator g, long batch, long tq, long tk) =>
        (Tensors.Normal(g, ScalarType.Float32, batch, tq, c.QueryDim),
         Tensors.Normal(g, ScalarType.Float32, batch, tk, c.KeyDim),
         Tensors.Normal(g, ScalarType.Float32, batch, tk, c.KeyDim));
}
