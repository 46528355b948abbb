using Spotlight.Attention;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>Incremental decoding with a cache must give what recomputing the whole sequence gives.</summary>
public class KeyValueCacheTests
{
    private static MultiHeadAttention Make(Generator g, int keyDim = 8)
    {
        var attention = new MultiHeadAttention(new AttentionConfig(QueryDim: 8, KeyDim: keyDim, Heads: 2));
        Params.Randomize(attention, g);
        attention.eval();
        return attention;
    }

    [Fact]
    public void Causal_self_attention_step_by_step_with_a_cache_equals_full_recomputation()
    {
        var g = Tensors.Seeded(50);
        var attention = Make(g);
        var x = Tensors.Normal(g, ScalarType.Float32, 2, 5, 8);
        var (full, fullWeights) = attention.forward(x, x, x, causal: true);

        using var cache = KeyValueCache.ForSelfAttention();
        for (int t = 0; t < 5; t++)
        {
            using var scope = NewDisposeScope();   // the cache must outlive each step's scope
            var step = x.narrow(1, t, 1);
            var (context, weights) = attention.forward(step, step, step, causal: true, cache: cache);
            Assert.Equal(t + 1, cache.Length);
            Tensors.AssertClose(full.narrow(1, t, 1), context, 1e-6, $"context at step {t}");
            Tensors.AssertClose(fullWeights.narrow(1, t, 1).narrow(2, 0, t + 1), weights, 1e-6, $"weights at step {t}");
        }
    }

    [Fact]
    public void A_two_token_prompt_then_single_steps_equals_full_recomputation_with_a_key_mask()
    {
        var g = Tensors.Seeded(51);
        var attention = Make(g);
        var x = Tensors.Normal(g, ScalarType.Float32, 2, 4, 8);
        var keyMask = tensor(new[,] { { true, true, true, true }, { true, false, true, true } });   // item 1: position 1 is padding
        var (full, _) = attention.forward(x, x, x, keyMask, causal: true);

        using var cache = KeyValueCache.ForSelfAttention();
        var prompt = x.narrow(1, 0, 2);
        var (first, _) = attention.forward(prompt, prompt, prompt, keyMask.narrow(1, 0, 2), causal: true, cache: cache);
        Tensors.AssertClose(full.narrow(1, 0, 2), first, 1e-6, "prompt");
        for (int t = 2; t < 4; t++)
        {
            var step = x.narrow(1, t, 1);
            var (context, _) = attention.forward(step, step, step, keyMask.narrow(1, 0, t + 1), causal: true, cache: cache);
            Tensors.AssertClose(full.narrow(1, t, 1), context, 1e-6, $"step {t}");
        }
    }

    [Fact]
    public void A_cross_attention_cache_projects_the_memory_once_and_keeps_its_mask()
    {
        var g = Tensors.Seeded(52);
        var attention = Make(g, keyDim: 5);
        var memory = Tensors.Normal(g, ScalarType.Float32, 2, 6, 5);
        var mask = tensor(new[,] { { true, true, true, false, false, false }, { true, true, true, true, true, true } });
        var queries = Tensors.Normal(g, ScalarType.Float32, 2, 3, 8);
        var (full, _) = attention.forward(queries, memory, memory, mask);

        using var cache = KeyValueCache.ForCrossAttention();
        var garbage = Tensors.Normal(g, ScalarType.Float32, 2, 2, 5);   // later calls must not read key/value
        for (int t = 0; t < 3; t++)
        {
            var source = t == 0 ? memory : garbage;
            var (context, _) = attention.forward(queries.narrow(1, t, 1), source, source, t == 0 ? mask : null, cache: cache);
            Assert.Equal(6, cache.Length);
            Tensors.AssertClose(full.narrow(1, t, 1), context, 1e-6, $"step {t}");
        }
    }

    [Fact]
    public void Selecting_cache_rows_for_beams_equals_recomputing_the_reordered_sequences()
    {
        var g = Tensors.Seeded(53);
        var attention = Make(g);
        var x = Tensors.Normal(g, ScalarType.Float32, 2, 3, 8);
        using var cache = KeyValueCache.ForSelfAttention();
        for (int t = 0; t < 2; t++)
        {
            var step = x.narrow(1, t, 1);
            attention.forward(step, step, step, causal: true, cache: cache);
        }
        var beams = tensor(new long[] { 1, 1, 0 });
        var reordered = x.index_select(0, beams);
        var (full, _) = attention.forward(reordered, reordered, reordered, causal: true);

        Assert.Same(cache, cache.Select(beams));
        var last = reordered.narrow(1, 2, 1);
        var (context, _) = attention.forward(last, last, last, causal: true, cache: cache);
        Tensors.AssertClose(full.narrow(1, 2, 1), context, 1e-6, "step after reordering");
    }

    [Fact]
    public void A_step_whose_batch_differs_from_the_cache_is_refused_with_a_clear_message()
    {
        var g = Tensors.Seeded(54);
        var attention = Make(g);
        using var cache = KeyValueCache.ForSelfAttention();
        var two = Tensors.Normal(g, ScalarType.Float32, 2, 1, 8);
        attention.forward(two, two, two, causal: true, cache: cache);
        var three = Tensors.Normal(g, ScalarType.Float32, 3, 1, 8);
        var error = Assert.Throws<SpotlightException>(() => attention.forward(three, three, three, causal: true, cache: cache));
        Assert.Contains("call Select after reordering", error.Message);
    }
}
