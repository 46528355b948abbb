using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spotlight.Inpainting;

/// <summary>One group of keys: a grid of hs×ws key positions taken from the maps resized by <c>Factor</c>.</summary>
public sealed record KeyBlock(int Offset, int Height, int Width, double Factor)
{
    public int Count => Height * Width;
}

/// <summary>
/// What contextual attention produced. <c>Output</c> is Σ weights·value patch, averaged over the overlapping patches
/// that cover each pixel; <c>Mass</c> is how much attention weight reached each pixel (1 where every covering query
/// had a usable key, 0 where none had). Callers blend: output + (1 − mass)·own features.
/// </summary>
public sealed record ContextualAttentionResult(Tensor Output, Tensor Mass, Tensor Weights, IReadOnlyList<KeyBlock> Keys);

/// <summary>
/// Contextual attention (Yu et al., CVPR 2018, §3.2). Every known-region patch of the matching features becomes an
/// L2-normalised convolution filter, so one convolution scores every query position against every key by cosine
/// similarity (scaled by the query's norm, as in DeepFill); keys whose patch touches the hole are excluded; the
/// scores are optionally propagated ("fuse"), turned into weights by softmax(λ·score), and the corresponding value
/// patches are pasted back with a transposed convolution. Values may be <c>rate</c> times larger than the matching
/// maps: DeepFill matches at reduced resolution to save memory, and PEN-Net's attention transfer matches on a deeper
/// level and pastes into the next shallower one. No parameters: this is a function, not a learned module.
/// </summary>
public static class ContextualAttention
{
    private const double MinKeyNorm = 1e-4;   // DeepFill's escape_NaN: an all-zero key scores 0, not NaN

    /// <param name="match">(B, C, h, w) features compared patch by patch (queries and keys)</param>
    /// <param name="values">(B, C', h·r, w·r) features that are copied</param>
    /// <param name="hole">(B, 1, h, w), nonzero = hole at the matching resolution</param>
    /// <param name="options">patch size, softmax scale, fuse, cross-scale keys</param>
    public static ContextualAttentionResult Attend(Tensor match, Tensor values, Tensor hole, ContextualAttentionOptions options)
    {
        var (batch, channels, h, w) = Shape4(match, nameof(match));
        var (vBatch, valueChannels, vh, vw) = Shape4(values, nameof(values));
        if (vBatch != batch || vh % h != 0 || vw % w != 0 || vh / h != vw / w)
            throw new ArgumentException($"values ({vBatch}, {valueChannels}, {vh}, {vw}) must be an integer multiple of match ({batch}, {channels}, {h}, {w})");
        if (hole.dim() != 4 || hole.shape[0] != batch || hole.shape[1] != 1 || hole.shape[2] != h || hole.shape[3] != w)
            throw new ArgumentException($"hole must be ({batch}, 1, {h}, {w}), got ({string.Join(", ", hole.shape)})");
        int rate = vh / h, k = options.PatchSize, half = k / 2, paste = k * rate;

        using var scope = NewDisposeScope();
        var keyList = new List<Tensor>();
        var validList = new List<Tensor>();
        var valueList = new List<Tensor>();
        var blocks = new List<KeyBlock>();
        int offset = 0;
        foreach (var factor in new[] { 1.0 }.Concat(options.KeyScales))
        {
            var (m, v, holeAtScale) = AtScale(match, values, hole, factor, rate);
            int hs = (int)m.shape[2], ws = (int)m.shape[3];
            keyList.Add(F.unfold(m, k, padding: half));                                        // (B, C·k·k, hs·ws)
            var touches = F.max_pool2d(holeAtScale, k, stride: 1, padding: half);             // any hole pixel in the patch
            validList.Add(touches.reshape(batch, hs * ws).eq(0));                             // (B, hs·ws)
            var padded = F.pad(v, [rate * half, rate * half, rate * half, rate * half], PaddingModes.Replicate);
            valueList.Add(F.unfold(padded, paste, stride: rate));                              // (B, C'·P·P, hs·ws)
            blocks.Add(new KeyBlock(offset, hs, ws, factor));
            offset += hs * ws;
        }
        int keys = offset;
        var keyPatches = cat(keyList, 2);
        var valid = cat(validList, 1);                                                         // (B, L)
        var valuePatches = cat(valueList, 2);

        // Convolving the queries with every normalised key patch as a filter (DeepFill's conv2d) is the same sum of
        // products as multiplying the unfolded patches (im2col); the batched product keeps the images of a batch apart
        // without a grouped convolution. A test checks that both formulations agree.
        var normalised = keyPatches / keyPatches.norm(1, keepdim: true).clamp_min(MinKeyNorm);   // (B, C·k·k, L)
        var queries = F.unfold(match, k, padding: half);                                        // (B, C·k·k, h·w)
        var scores = normalised.transpose(1, 2).bmm(queries).reshape(batch, keys, h, w);        // (B, L, h, w)
        if (options.Fuse && options.FuseSize > 1)
            scores = cat(blocks.Select(b => Fuse(scores.narrow(1, b.Offset, b.Count), b, options.FuseSize)).ToList(), 1);

        var weights = MaskedSoftmax(scores * options.Scale, valid);                            // (B, L, h, w)

        // Likewise DeepFill's conv_transpose2d with the value patches as filters: weight each patch, then fold (col2im)
        // sums the overlapping patches back into the map.
        var columns = valuePatches.bmm(weights.reshape(batch, keys, h * w));                    // (B, C'·P·P, h·w)
        var summed = F.fold(columns, (vh, vw), (paste, paste), stride: (rate, rate),
            padding: (rate * half, rate * half));                                               // (B, C', H, W)
        // Coverage and mass are folds too, not single-channel conv_transpose2d: libtorch 2.10's oneDNN kernel for that
        // case returns wrong sums on AVX-512 CPUs (measured: 107 of 200 small shapes off; docs/torchsharp-on-debian.md).
        var coverage = FoldPatches(ones(batch, 1, h * w, dtype: match.dtype, device: match.device), vh, vw, paste, rate, half);
        var mass = FoldPatches(weights.sum(1).reshape(batch, 1, h * w), vh, vw, paste, rate, half) / coverage;
        return new ContextualAttentionResult(
            (summed / coverage).MoveToOuterDisposeScope(), mass.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope(), blocks);
    }

    /// <summary>Pastes one value per query position as a P×P patch and sums the overlaps: (B, 1, h·w) → (B, 1, H, W).</summary>
    private static Tensor FoldPatches(Tensor perQuery, int vh, int vw, int paste, int rate, int half) =>
        F.fold(perQuery.expand(perQuery.shape[0], paste * paste, perQuery.shape[2]), (vh, vw), (paste, paste),
            stride: (rate, rate), padding: (rate * half, rate * half));

    /// <summary>
    /// DeepFill's usage: match at 1/rate of the resolution (nearest-neighbour subsampling, as its <c>resize</c>
    /// does) and paste full-resolution patches. <paramref name="hole"/> is (B, 1, H, W) at the full resolution.
    /// </summary>
    public static ContextualAttentionResult AttendAtRate(Tensor features, Tensor hole, int rate, ContextualAttentionOptions options)
    {
        if (rate < 1) throw new ArgumentOutOfRangeException(nameof(rate), "rate must be at least 1");
        if (rate == 1) return Attend(features, features, hole, options);
        using var scope = NewDisposeScope();
        var match = features[.., .., TensorIndex.Slice(0, null, rate), TensorIndex.Slice(0, null, rate)];
        var holeSmall = F.max_pool2d(hole, rate, stride: rate);
        var result = Attend(match, features, holeSmall, options);
        foreach (var t in new[] { result.Output, result.Mass, result.Weights }) t.MoveToOuterDisposeScope();
        return result;
    }

    private static (Tensor Match, Tensor Values, Tensor Hole) AtScale(Tensor match, Tensor values, Tensor hole, double factor, int rate)
    {
        if (factor == 1.0) return (match, values, hole);
        int hs = Math.Max(1, (int)Math.Round(match.shape[2] * factor)), ws = Math.Max(1, (int)Math.Round(match.shape[3] * factor));
        var m = F.interpolate(match, [hs, ws], mode: InterpolationMode.Bilinear, align_corners: false);
        var v = F.interpolate(values, [hs * rate, ws * rate], mode: InterpolationMode.Bilinear, align_corners: false);
        var holeSmall = F.adaptive_max_pool2d(hole.to_type(match.dtype), [hs, ws]);   // a cell touching any hole pixel is hole
        return (m, v, holeSmall);
    }

    /// <summary>
    /// DeepFill's fuse: a score is summed with the scores of the query and key both moved by the same step, first
    /// along x, then along y, so neighbouring queries that agree on a shift reinforce each other. Done on the 5-D
    /// (key y, key x, query y, query x) volume, so nothing wraps from one row to the next.
    /// </summary>
    private static Tensor Fuse(Tensor scores, KeyBlock block, int size)
    {
        long batch = scores.shape[0], h = scores.shape[2], w = scores.shape[3];
        int a = size / 2;
        var volume = scores.reshape(batch, block.Height, block.Width, h, w);
        volume = ShiftSum(volume, keyDim: 2, queryDim: 4, a);
        volume = ShiftSum(volume, keyDim: 1, queryDim: 3, a);
        return volume.reshape(batch, block.Count, h, w);
    }

    private static Tensor ShiftSum(Tensor volume, int keyDim, int queryDim, int a)
    {
        long keyLen = volume.shape[keyDim], queryLen = volume.shape[queryDim];
        var pad = new long[2 * (5 - 1)];                      // F.pad lists (left, right) from the last dim backwards
        pad[2 * (4 - queryDim)] = a; pad[2 * (4 - queryDim) + 1] = a;
        pad[2 * (4 - keyDim)] = a; pad[2 * (4 - keyDim) + 1] = a;
        var padded = F.pad(volume, pad);
        Tensor? sum = null;
        for (int d = -a; d <= a; d++)
        {
            var shifted = padded.narrow(keyDim, a + d, keyLen).narrow(queryDim, a + d, queryLen);
            sum = sum is null ? shifted : sum + shifted;
        }
        return sum!;
    }

    /// <summary>softmax over keys with invalid keys at exactly 0; an image with no valid key at all gets all-zero weights.</summary>
    private static Tensor MaskedSoftmax(Tensor logits, Tensor valid)
    {
        var validView = valid.unsqueeze(-1).unsqueeze(-1);                                     // (B, L, 1, 1)
        var anyValid = valid.any(1).reshape(-1, 1, 1, 1);
        var masked = logits.masked_fill(validView.logical_not().logical_and(anyValid), double.NegativeInfinity);
        return F.softmax(masked, 1) * validView.to_type(logits.dtype);
    }

    private static (int, int, int, int) Shape4(Tensor t, string name)
    {
        if (t.dim() != 4) throw new ArgumentException($"{name} must be 4-D (B, C, H, W), got {t.dim()}-D", name);
        return ((int)t.shape[0], (int)t.shape[1], (int)t.shape[2], (int)t.shape[3]);
    }
}
