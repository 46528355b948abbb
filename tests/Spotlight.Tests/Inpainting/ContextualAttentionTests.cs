using Spotlight.Inpainting;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Inpainting;

public sealed class ContextualAttentionTests
{
    // A sharp softmax makes the copy exact to float precision; the default λ = 10 is checked by argmax below.
    private static readonly ContextualAttentionOptions Sharp = new(Scale: 1000f, Fuse: false);

    /// <summary>
    /// 16×16 random map. A 7×7 block C at (8..14, 8..14) repeats the block S at (1..7, 1..7) (shift −7, −7); the hole
    /// is C's central 3×3 (10..12). Every query covering a hole pixel sees a 3×3 neighbourhood inside C whose only
    /// exact twin outside the hole is in S, so the pasted hole must be S's values, shifted by exactly (−7, −7)·rate.
    /// </summary>
    private static (Tensor Match, Tensor Hole) CopyCase(Generator g, int shift)
    {
        var match = rand(1, 2, 16, 16, generator: g);
        match[.., .., 8..15, 8..15] = match[.., .., (8 - shift)..(15 - shift), (8 - shift)..(15 - shift)].clone();
        var hole = zeros(1, 1, 16, 16);
        hole[.., .., 10..13, 10..13] = 1;
        return (match, hole);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Copies_the_exactly_matching_known_patch_into_the_hole(int rate)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        var (m0, h0) = CopyCase(g, 7);
        var (m1, h1) = CopyCase(g, 6);                       // a second image with another shift: items stay apart
        var match = cat([m0, m1], 0);
        var hole = cat([h0, h1], 0);
        var values = rand(2, 3, 16 * rate, 16 * rate, generator: g);
        var bigHole = nn.functional.interpolate(hole, [16 * rate, 16 * rate], mode: InterpolationMode.Nearest);
        values = values.masked_fill(bigHole.to_type(ScalarType.Bool), 100f);   // garbage in the hole must never be copied

        var result = ContextualAttention.Attend(match, values, hole, Sharp);

        foreach (var (item, shift) in new[] { (0, 7), (1, 6) })
        {
            int lo = 10 * rate, hi = 13 * rate, s = shift * rate;
            var pasted = result.Output[item, .., lo..hi, lo..hi];
            var source = values[item, .., (lo - s)..(hi - s), (lo - s)..(hi - s)];
            Assert.True(pasted.allclose(source, rtol: 0, atol: 1e-5), $"item {item}: max diff {(pasted - source).abs().max().item<float>()}");
            Assert.True(result.Mass[item, .., lo..hi, lo..hi].allclose(ones(1, hi - lo, hi - lo), rtol: 0, atol: 1e-6));
        }
    }

    [Fact]
    public void With_the_default_scale_the_strongest_key_is_the_matching_patch()
    {
        using var scope = NewDisposeScope();
        var (match, hole) = CopyCase(new Generator(3), 7);
        var result = ContextualAttention.Attend(match, match, hole, new ContextualAttentionOptions());
        for (int y = 10; y <= 12; y++)
            for (int x = 10; x <= 12; x++)
            {
                long best = result.Weights[0, .., y, x].argmax().item<long>();
                Assert.Equal((y - 7) * 16 + (x - 7), best);
            }
    }

    [Fact]
    public void Keys_whose_patch_touches_the_hole_get_zero_weight_even_when_they_match_perfectly()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(11);
        var match = rand(1, 2, 12, 12, generator: g);
        var hole = zeros(1, 1, 12, 12);
        hole[.., .., 5..8, 5..8] = 1;
        // The hole holds a copy of the neighbourhood of the known query (1, 1): a perfect but forbidden key.
        match[.., .., 4..7, 4..7] = match[.., .., 0..3, 0..3].clone();
        var result = ContextualAttention.Attend(match, match, hole, new ContextualAttentionOptions(Fuse: false));

        var w = result.Weights[0];                                       // (L, h, w)
        var holeBytes = hole[0, 0].data<float>().ToArray();
        for (int ky = 0; ky < 12; ky++)
            for (int kx = 0; kx < 12; kx++)
            {
                bool touches = false;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int y = ky + dy, x = kx + dx;
                        if (y >= 0 && y < 12 && x >= 0 && x < 12 && holeBytes[y * 12 + x] != 0) touches = true;
                    }
                float most = w[ky * 12 + kx].max().item<float>();
                if (touches) Assert.Equal(0f, most);
                else Assert.True(most > 0, $"valid key ({ky}, {kx}) got no weight anywhere");
            }
        // Its own forbidden twin (key 5, 5) would score cosine 1; the query must go elsewhere.
        Assert.NotEqual(5 * 12 + 5, w[.., 1, 1].argmax().item<long>());
    }

    [Fact]
    public void Values_inside_the_hole_never_reach_the_output()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(5);
        var match = rand(2, 3, 10, 10, generator: g);
        var hole = zeros(2, 1, 10, 10);
        hole[0, .., 3..7, 2..6] = 1;
        hole[1, .., 0..4, 6..10] = 1;
        var values = rand(2, 4, 20, 20, generator: g);
        var bigHole = nn.functional.interpolate(hole, [20, 20], mode: InterpolationMode.Nearest).to_type(ScalarType.Bool);
        var options = new ContextualAttentionOptions(CrossScales: [0.5]);
        var a = ContextualAttention.Attend(match, values, hole, options).Output;
        var b = ContextualAttention.Attend(match, values.masked_fill(bigHole, -50f), hole, options).Output;
        Assert.Equal(0f, (a - b).abs().max().item<float>());
    }

    [Fact]
    public void Matches_a_loop_by_loop_reference_with_fuse_and_rate_two()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(21);
        var match = randn(2, 2, 5, 6, generator: g);
        var values = randn(2, 3, 10, 12, generator: g);
        var hole = zeros(2, 1, 5, 6);
        hole[0, .., 1..3, 2..4] = 1;
        hole[1, .., 3..5, 0..2] = 1;
        var options = new ContextualAttentionOptions(Scale: 3f, Fuse: true);
        var actual = ContextualAttention.Attend(match, values, hole, options);
        var (expectedOut, expectedWeights) = ReferenceAttention.Compute(match, values, hole, options.Scale, fuse: true);
        Assert.True(actual.Weights.allclose(expectedWeights, rtol: 1e-4, atol: 1e-6), "weights differ");
        Assert.True(actual.Output.allclose(expectedOut, rtol: 1e-4, atol: 1e-5), $"output differs by {(actual.Output - expectedOut).abs().max().item<float>()}");
    }

    [Fact]
    public void Cross_scale_keys_find_a_patch_that_exists_only_at_twice_the_size()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(9);
        var match = rand(1, 2, 16, 16, generator: g);
        var pattern = rand(1, 2, 5, 5, generator: g);
        // A 2× nearest-upscaled copy at (2..12, 2..12): bilinear halving (half-pixel centres) recovers it exactly.
        match[.., .., 2..12, 2..12] = nn.functional.interpolate(pattern, [10, 10], mode: InterpolationMode.Nearest);
        match[.., .., 10..15, 10..15] = pattern;
        var hole = zeros(1, 1, 16, 16);
        hole[.., .., 12..13, 12..13] = 1;

        var single = ContextualAttention.Attend(match, match, hole, new ContextualAttentionOptions(Scale: 1000f, Fuse: false));
        var cross = ContextualAttention.Attend(match, match, hole, new ContextualAttentionOptions(Scale: 1000f, Fuse: false, CrossScales: [0.5]));

        Assert.Equal(2, cross.Keys.Count);
        Assert.Equal(new KeyBlock(256, 8, 8, 0.5), cross.Keys[1]);
        long best = cross.Weights[0, .., 12, 12].argmax().item<long>();
        Assert.Equal(256 + 3 * 8 + 3, best);                  // centre of the pattern, at (3, 3) of the halved grid
        // The hole pixel gets the pattern's centre value only when the halved copy can serve as a key.
        var centre = pattern[0, .., 2, 2];
        Assert.True(cross.Output[0, .., 12, 12].allclose(centre, rtol: 0, atol: 1e-4));
        Assert.True((single.Output[0, .., 12, 12] - centre).abs().max().item<float>() > 1e-2);
    }

    [Fact]
    public void An_image_without_any_usable_key_gets_zero_weights_and_no_NaN()
    {
        using var scope = NewDisposeScope();
        var match = rand(1, 2, 6, 6);
        var result = ContextualAttention.Attend(match, match, ones(1, 1, 6, 6), new ContextualAttentionOptions());
        Assert.Equal(0f, result.Weights.abs().sum().item<float>());
        Assert.Equal(0f, result.Mass.abs().sum().item<float>());
        Assert.False(result.Output.isnan().any().item<bool>());
    }

    [Fact]
    public void Matching_at_a_reduced_rate_still_pastes_full_resolution_patches()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(2);
        var small = rand(1, 2, 16, 16, generator: g);
        small[.., .., 8..15, 8..15] = small[.., .., 1..8, 1..8].clone();
        var features = nn.functional.interpolate(small, [32, 32], mode: InterpolationMode.Nearest);
        var hole = zeros(1, 1, 32, 32);
        hole[.., .., 20..26, 20..26] = 1;
        var result = ContextualAttention.AttendAtRate(features, hole, 2, Sharp);
        Assert.Equal(new long[] { 1, 256, 16, 16 }, result.Weights.shape);
        Assert.True(result.Output[.., .., 20..26, 20..26].allclose(features[.., .., 6..12, 6..12], rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Equals_deepfills_formulation_with_keys_as_conv2d_filters_and_pasting_by_conv_transpose2d()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(13);
        var match = randn(1, 3, 6, 6, generator: g);
        var values = randn(1, 2, 12, 12, generator: g);
        var hole = zeros(1, 1, 6, 6);
        hole[.., .., 2..4, 1..3] = 1;
        var options = new ContextualAttentionOptions(Fuse: false);
        var actual = ContextualAttention.Attend(match, values, hole, options);

        // DeepFill v1, one image: key patches (zero-padded 3×3) as L2-normalised filters of conv2d; softmax over the
        // valid keys; value patches (6×6 at rate 2, edge-replicated) as the filters of conv_transpose2d, divided by
        // the number of patches overlapping each pixel.
        var keys = nn.functional.unfold(match, 3, padding: 1).permute(0, 2, 1).reshape(36, 3, 3, 3);
        var filters = keys / keys.reshape(36, -1).norm(1).clamp_min(1e-4).reshape(36, 1, 1, 1);
        var scores = nn.functional.conv2d(match, filters, padding: [1, 1]);                       // (1, 36, 6, 6)
        var valid = nn.functional.max_pool2d(hole, 3, stride: 1, padding: 1).reshape(1, 36, 1, 1).eq(0);
        var weights = nn.functional.softmax((scores * 10).masked_fill(valid.logical_not(), double.NegativeInfinity), 1);
        var padded = nn.functional.pad(values, [2, 2, 2, 2], PaddingModes.Replicate);
        var raw = nn.functional.unfold(padded, 6, stride: 2).permute(0, 2, 1).reshape(36, 2, 6, 6);
        var pasted = nn.functional.conv_transpose2d(weights, raw, strides: [2, 2], padding: [2, 2]);
        var overlap = OverlapCount(queries: 6, patch: 6, stride: 2, padding: 2);

        Assert.True(actual.Weights.allclose(weights, rtol: 1e-4, atol: 1e-6));
        Assert.True(actual.Output.allclose(pasted / overlap, rtol: 1e-4, atol: 1e-5));
    }

    /// <summary>
    /// How many pasted patches cover each output pixel, counted by loops. (Not a single-channel conv_transpose2d of
    /// ones: libtorch 2.10's oneDNN kernel gets that case wrong on AVX-512 CPUs; see docs/torchsharp-on-debian.md.)
    /// </summary>
    private static Tensor OverlapCount(int queries, int patch, int stride, int padding)
    {
        int size = (queries - 1) * stride + patch - 2 * padding;
        var counts = new float[size * size];
        for (int qy = 0; qy < queries; qy++)
            for (int qx = 0; qx < queries; qx++)
                for (int dy = 0; dy < patch; dy++)
                    for (int dx = 0; dx < patch; dx++)
                    {
                        int y = qy * stride + dy - padding, x = qx * stride + dx - padding;
                        if (y >= 0 && y < size && x >= 0 && x < size) counts[y * size + x]++;
                    }
        return tensor(counts, [1, 1, size, size]);
    }
}
