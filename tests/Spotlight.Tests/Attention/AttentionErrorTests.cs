using Spotlight.Attention;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>Wrong sizes and settings get one-line messages that name the problem, not a libtorch stack trace.</summary>
public class AttentionErrorTests
{
    [Fact]
    public void Dot_product_attention_with_different_query_and_key_sizes_is_refused_at_construction()
    {
        var error = Assert.Throws<SpotlightException>(() => new DotProductAttention(new AttentionConfig(QueryDim: 4, KeyDim: 6)));
        Assert.StartsWith("DotProductAttention: needs QueryDim == KeyDim (it takes qᵀk), got QueryDim = 4, KeyDim = 6", error.Message);
    }

    [Fact]
    public void Dot_product_attention_with_different_query_and_key_sizes_is_refused_at_forward()
    {
        var error = Assert.Throws<SpotlightException>(() => new DotProductAttention().forward(ones(1, 2, 4), ones(1, 3, 6), ones(1, 3, 6), null));
        Assert.StartsWith("DotProductAttention: query size 4 differs from key size 6", error.Message);
    }

    [Fact]
    public void A_key_size_other_than_the_configured_one_is_refused()
    {
        var attention = new AdditiveAttention(new AttentionConfig(QueryDim: 3, KeyDim: 5));
        var error = Assert.Throws<SpotlightException>(() => attention.forward(ones(1, 2, 3), ones(1, 4, 7), ones(1, 4, 7), null));
        Assert.Equal("AdditiveAttention: key size is 7 but the config says KeyDim = 5", error.Message);
    }

    [Fact]
    public void Keys_and_values_of_different_lengths_are_refused()
    {
        var error = Assert.Throws<SpotlightException>(() => new ScaledDotProductAttention().forward(ones(1, 2, 4), ones(1, 3, 4), ones(1, 5, 4), null));
        Assert.Contains("must share batch and length", error.Message);
    }

    [Fact]
    public void A_mask_that_does_not_fit_the_keys_is_refused()
    {
        var error = Assert.Throws<SpotlightException>(() => new ScaledDotProductAttention().forward(ones(2, 2, 4), ones(2, 3, 4), ones(2, 3, 4), ones(2, 5, ScalarType.Bool)));
        Assert.Equal("attention mask shape (2, 5) does not fit scores (batch, ..., tq, tk) = (2, 2, 3)", error.Message);
    }

    [Theory]
    [InlineData(0, 4, 0, 1, 0.0, "QueryDim must be positive, got 0")]
    [InlineData(4, -1, 0, 1, 0.0, "KeyDim must be positive, got -1")]
    [InlineData(4, 4, -2, 1, 0.0, "HiddenDim must be 0 (same as KeyDim) or positive, got -2")]
    [InlineData(4, 4, 0, 0, 0.0, "Heads must be positive, got 0")]
    [InlineData(4, 4, 0, 1, 1.0, "Dropout must be in [0, 1), got 1")]
    public void A_bad_config_value_is_named_in_the_message(int queryDim, int keyDim, int hiddenDim, int heads, double dropout, string problem)
    {
        var error = Assert.Throws<SpotlightException>(() => new AttentionConfig(queryDim, keyDim, hiddenDim, heads, dropout).Validate());
        Assert.Equal($"attention config: {problem}", error.Message);
    }

    [Fact]
    public void Context_size_is_the_key_size_for_score_attentions_and_the_model_size_for_multi_head()
    {
        var config = new AttentionConfig(QueryDim: 4, KeyDim: 6, Heads: 2);
        Assert.Equal(6, new AdditiveAttention(config).ContextDim);
        Assert.Equal(6, new GeneralAttention(config).ContextDim);
        Assert.Equal(6, new ConcatAttention(config).ContextDim);
        Assert.Equal(4, new MultiHeadAttention(config).ContextDim);
        Assert.Equal(6, new DotProductAttention(config with { QueryDim = 6 }).ContextDim);
        Assert.Throws<InvalidOperationException>(() => new DotProductAttention().ContextDim);
    }
}
