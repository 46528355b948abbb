using static TorchSharp.torch;

namespace Spotlight.Attention;

/// <summary>
/// Mask helpers shared by every attention module. Masks are bool tensors where true = this key may be attended (the
/// convention of torch's scaled_dot_product_attention; the OPPOSITE of nn.MultiheadAttention's key_padding_mask,
/// where true means "ignore").
/// </summary>
public static class AttentionMath
{
    /// <summary>
    /// Softmax over <paramref name="dim"/> in which masked-out entries (mask false) are exactly 0. A row whose entries
    /// are all masked gives all zeros, never NaN, and its gradient is 0. <paramref name="mask"/> must broadcast to
    /// <paramref name="scores"/>; null means no mask.
    /// </summary>
    public static Tensor MaskedSoftmax(Tensor scores, Tensor? mask, long dim = -1)
    {
        if (mask is null) return scores.softmax(dim);
        if (mask.dtype != ScalarType.Bool) throw new SpotlightException($"attention mask must be bool (true = may attend), got {mask.dtype}");
        var blocked = mask.logical_not();
        // The most negative finite value, not -inf: exp(min - max) underflows to exactly 0 in a row with any allowed
        // entry, and an all-blocked row becomes a finite uniform row (no NaN in value or gradient) that we then zero.
        var filled = scores.masked_fill(blocked, finfo(scores.dtype).min);
        return filled.softmax(dim).masked_fill(blocked, 0.0);
    }

    /// <summary>
    /// Brings a mask given as (batch, tk) or (batch, tq, tk) to the rank of scores shaped <paramref name="scoresShape"/>
    /// (batch, [heads,] tq, tk) so it broadcasts; a mask of the scores' rank is returned as is.
    /// </summary>
    public static Tensor ExpandMask(Tensor mask, long[] scoresShape)
    {
        long rank = scoresShape.Length;
        if (mask.dtype != ScalarType.Bool) throw new SpotlightException($"attention mask must be bool (true = may attend), got {mask.dtype}");
        if (mask.shape[^1] != scoresShape[^1] || (mask.shape[0] != scoresShape[0] && mask.shape[0] != 1))
            throw new SpotlightException($"attention mask shape ({Dims(mask)}) does not fit scores (batch, ..., tq, tk) = ({string.Join(", ", scoresShape)})");
        if (mask.dim() == rank) return mask;
        if (mask.dim() == 2) return mask.reshape(ExpandedShape(mask.shape[0], 1, rank, mask.shape[1]));
        if (mask.dim() == 3 && rank > 3) return mask.reshape(ExpandedShape(mask.shape[0], mask.shape[1], rank, mask.shape[2]));
        throw new SpotlightException($"attention mask must be (batch, tk) or (batch, tq, tk), got ({Dims(mask)}) for scores ({string.Join(", ", scoresShape)})");
    }

    /// <summary>
    /// (tq, tk) bool mask, true where query i may see key j: j ≤ i + (tk − tq). The last query sees every key, so with
    /// a cache of earlier steps (tk &gt; tq) the new queries sit at the end of the sequence.
    /// </summary>
    public static Tensor CausalMask(long queryLength, long keyLength, Device? device = null) =>
        ones(queryLength, keyLength, ScalarType.Bool, device).tril(keyLength - queryLength);

    internal static string Dims(Tensor t) => string.Join(", ", t.shape);

    // (batch, 1, ..., 1, tq, tk) with as many 1s as it takes to reach rank.
    private static long[] ExpandedShape(long batch, long tq, long rank, long tk)
    {
        var shape = Enumerable.Repeat(1L, (int)rank).ToArray();
        shape[0] = batch;
        shape[^2] = tq;
        shape[^1] = tk;
        return shape;
    }
}
