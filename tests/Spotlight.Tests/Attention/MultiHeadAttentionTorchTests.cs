using Spotlight.Attention;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>
/// TorchSharp's own nn.MultiheadAttention (libtorch's C++ module) is the oracle: same weights copied in, same inputs.
/// It is sequence-first, and its bool key_padding_mask uses true = ignore, the opposite of ours.
/// </summary>
public class MultiHeadAttentionTorchTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Self_attention_matches_torch_MultiheadAttention(bool keyMask, bool causal)
    {
        var g = Tensors.Seeded(30);
        var x = Tensors.Normal(g, ScalarType.Float32, 2, 5, 8);
        // Position 0 stays visible, so no query row is fully masked (torch would give NaN there, we give 0).
        var mask = keyMask ? tensor(new[,] { { true, true, true, false, false }, { true, false, true, true, true } }) : null;
        CompareWithTorch(g, dim: 8, keyDim: 8, heads: 2, x, x, mask, causal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cross_attention_with_another_key_size_matches_torch_MultiheadAttention(bool keyMask)
    {
        var g = Tensors.Seeded(31);
        var query = Tensors.Normal(g, ScalarType.Float32, 3, 4, 8);
        var memory = Tensors.Normal(g, ScalarType.Float32, 3, 6, 5);   // kdim = vdim = 5 ≠ 8: separate q/k/v_proj_weight
        var mask = keyMask ? tensor(new[,] { { true, true, true, true, false, false }, { true, true, true, true, true, true }, { false, true, false, true, false, false } }) : null;
        CompareWithTorch(g, dim: 8, keyDim: 5, heads: 4, query, memory, mask, causal: false);
    }

    [Fact]
    public void Copying_from_a_torch_module_of_another_size_is_refused_with_a_clear_message()
    {
        var ours = new MultiHeadAttention(new AttentionConfig(QueryDim: 8, KeyDim: 8, Heads: 2));
        var error = Assert.Throws<SpotlightException>(() => ours.CopyFrom(nn.MultiheadAttention(4, 2)));
        Assert.Contains("check embed_dim and kdim", error.Message);
    }

    private static void CompareWithTorch(Generator g, int dim, int keyDim, int heads, Tensor query, Tensor memory, Tensor? mask, bool causal)
    {
        var theirs = nn.MultiheadAttention(dim, heads, kdim: keyDim, vdim: keyDim);
        Params.Randomize(theirs, g);               // torch starts biases at 0; random ones catch a misplaced bias
        var ours = new MultiHeadAttention(new AttentionConfig(QueryDim: dim, KeyDim: keyDim, Heads: heads));
        ours.CopyFrom(theirs);
        theirs.eval();
        ours.eval();

        long tq = query.shape[1], tk = memory.shape[1];
        // libtorch's C++ module ADDS attn_mask to the scores (a bool mask would add 1, not block), so it gets 0 / −inf.
        var attnMask = causal ? zeros(tq, tk).masked_fill(AttentionMath.CausalMask(tq, tk).logical_not(), double.NegativeInfinity) : null;
        var (theirContext, theirWeights) = theirs.call(query.transpose(0, 1), memory.transpose(0, 1), memory.transpose(0, 1),
            key_padding_mask: mask?.logical_not(), need_weights: true, attn_mask: attnMask);
        var (context, weights) = ours.forward(query, memory, memory, mask, causal);

        Tensors.AssertClose(theirContext.transpose(0, 1), context, 1e-5, "context");
        Tensors.AssertClose(theirWeights, weights, 1e-5, "weights averaged over heads");
    }
}
