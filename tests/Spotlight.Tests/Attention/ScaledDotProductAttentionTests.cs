using Spotlight.Attention;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

public class ScaledDotProductAttentionTests
{
    [Fact]
    public void Equals_softmax_of_QKt_over_root_dk_times_V_computed_with_plain_loops()
    {
        var g = Tensors.Seeded(10);
        var (q, k, v) = (Tensors.Normal(g, ScalarType.Float64, 2, 3, 5), Tensors.Normal(g, ScalarType.Float64, 2, 4, 5), Tensors.Normal(g, ScalarType.Float64, 2, 4, 3));
        var mask = tensor(new[,] { { true, true, false, true }, { true, false, false, true } });
        var (context, weights) = new ScaledDotProductAttention().forward(q, k, v, mask);

        var (expectedContext, expectedWeights) = Reference(q, k, v, mask);
        Tensors.AssertClose(expectedWeights, weights, 1e-12, "weights");
        Tensors.AssertClose(expectedContext, context, 1e-12, "context");
    }

    [Fact]
    public void Equals_torch_scaled_dot_product_attention_with_a_mask_and_heads()
    {
        var g = Tensors.Seeded(11);
        var (q, k, v) = (Tensors.Normal(g, ScalarType.Float32, 2, 3, 4, 8), Tensors.Normal(g, ScalarType.Float32, 2, 3, 6, 8), Tensors.Normal(g, ScalarType.Float32, 2, 3, 6, 5));
        var mask = rand(new long[] { 2, 1, 4, 6 }, generator: g) > 0.3;
        mask[.., .., .., 0] = tensor(true);   // torch gives NaN for a row with nothing allowed; we give 0, so avoid it here
        // Both take true = may attend.
        var expected = nn.functional.scaled_dot_product_attention(q, k, v, mask);
        var (context, _) = new ScaledDotProductAttention().forward(q, k, v, mask);
        Tensors.AssertClose(expected, context, 1e-5, "context");

        var (plain, _) = new ScaledDotProductAttention().forward(q, k, v, null);
        Tensors.AssertClose(nn.functional.scaled_dot_product_attention(q, k, v), plain, 1e-5, "context without mask");
    }

    [Fact]
    public void Dropout_changes_weights_only_in_training_mode()
    {
        var g = Tensors.Seeded(12);
        var (q, k, v) = (Tensors.Normal(g, ScalarType.Float32, 2, 6, 4), Tensors.Normal(g, ScalarType.Float32, 2, 8, 4), Tensors.Normal(g, ScalarType.Float32, 2, 8, 4));
        var plain = new ScaledDotProductAttention();
        var dropped = new ScaledDotProductAttention(dropout: 0.5);
        var (_, expected) = plain.forward(q, k, v, null);

        dropped.eval();
        Tensors.AssertClose(expected, dropped.forward(q, k, v, null).Weights, 0, "eval-mode weights");

        dropped.train();
        var (context, weights) = dropped.forward(q, k, v, null);
        var kept = weights.ne(0);
        Assert.True(kept.logical_not().any().item<bool>(), "some weights were dropped");
        Assert.True(kept.any().item<bool>(), "some weights were kept");
        // Kept weights are rescaled by 1 / (1 − p) = 2; the context is made from exactly these weights.
        Tensors.AssertClose((expected * 2).masked_select(kept), weights.masked_select(kept), 1e-6, "kept weights");
        Tensors.AssertClose(weights.matmul(v), context, 1e-6, "context");
    }

    // softmax(q·k / √d) v with explicit sums over plain arrays, masked keys skipped.
    private static (Tensor Context, Tensor Weights) Reference(Tensor q, Tensor k, Tensor v, Tensor mask)
    {
        int batch = (int)q.shape[0], tq = (int)q.shape[1], tk = (int)k.shape[1], d = (int)q.shape[2], dv = (int)v.shape[2];
        double[] qa = Tensors.Values(q), ka = Tensors.Values(k), va = Tensors.Values(v);
        bool[] ma = mask.data<bool>().ToArray();
        var weights = new double[batch * tq * tk];
        var context = new double[batch * tq * dv];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < tq; i++)
            {
                var scores = new double[tk];
                for (int j = 0; j < tk; j++)
                    for (int c = 0; c < d; c++) scores[j] += qa[(b * tq + i) * d + c] * ka[(b * tk + j) * d + c] / Math.Sqrt(d);
                double total = 0;
                for (int j = 0; j < tk; j++) if (ma[b * tk + j]) total += Math.Exp(scores[j]);
                for (int j = 0; j < tk; j++)
                {
                    double w = ma[b * tk + j] ? Math.Exp(scores[j]) / total : 0;
                    weights[(b * tq + i) * tk + j] = w;
                    for (int c = 0; c < dv; c++) context[(b * tq + i) * dv + c] += w * va[(b * tk + j) * dv + c];
                }
            }
        return (tensor(context, ScalarType.Float64).reshape(batch, tq, dv), tensor(weights, ScalarType.Float64).reshape(batch, tq, tk));
    }
}
