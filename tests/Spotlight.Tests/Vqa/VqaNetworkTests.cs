using Spotlight.Vqa;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Vqa;

public class VqaNetworkTests
{
    private static VqaConfig Tiny(VqaModelKind kind = VqaModelKind.StackedAttention) =>
        VqaConfig.Tiny with { Model = kind, QuestionVocabSize = 12, AnswerCount = 5, ImageSize = 48, Dropout = 0 };

    private static (Tensor Images, Tensor Tokens) Inputs(int seed)
    {
        var g = new Generator((ulong)seed);
        var images = randn(new long[] { 3, 3, 48, 48 }, generator: g);
        // Different lengths, right-padded with 0: "w w w w", "w w", "w w w".
        var tokens = tensor(new long[] { 5, 6, 7, 8, 4, 9, 0, 0, 10, 11, 5, 0 }, [3, 4]);
        return (images, tokens);
    }

    [Theory]
    [InlineData(VqaModelKind.StackedAttention, false)]
    [InlineData(VqaModelKind.StackedAttention, true)]
    [InlineData(VqaModelKind.NoAttention, false)]
    [InlineData(VqaModelKind.Blind, false)]
    [InlineData(VqaModelKind.CoAttention, false)]
    public void A_batch_answers_exactly_as_one_question_at_a_time(VqaModelKind kind, bool relativeAndCounting)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var net = new VqaNetwork(Tiny(kind) with { RelativePositions = relativeAndCounting, Counting = relativeAndCounting, AnswerFromLastHop = relativeAndCounting });
        net.eval();
        var (images, tokens) = Inputs(2);
        var (logits, attention) = net.forward(images, tokens);
        int[] lengths = [4, 2, 3];
        for (int i = 0; i < 3; i++)
        {
            var (one, oneAttention) = net.forward(images[i..(i + 1)], tokens[i..(i + 1), ..lengths[i]]);
            Assert.True(one.allclose(logits[i..(i + 1)], rtol: 1e-4, atol: 1e-5), $"question {i}: logits differ");
            Assert.True(oneAttention.allclose(attention[i..(i + 1)], rtol: 1e-4, atol: 1e-6), $"question {i}: attention differs");
        }
    }

    [Theory]
    [InlineData(VqaModelKind.StackedAttention, 3, false)]
    [InlineData(VqaModelKind.StackedAttention, 3, true)]
    [InlineData(VqaModelKind.CoAttention, 1, false)]
    public void Every_hop_attends_with_weights_that_sum_to_one_over_the_regions(VqaModelKind kind, int maps, bool relativeAndCounting)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var net = new VqaNetwork(Tiny(kind) with { Hops = 3, RelativePositions = relativeAndCounting, Counting = relativeAndCounting });
        var (images, tokens) = Inputs(4);
        var (_, attention) = net.forward(images, tokens);
        Assert.Equal(new long[] { 3, maps, 36 }, attention.shape);   // 48 px → a 6×6 grid
        Assert.True(attention.sum(2).allclose(ones(3, maps), atol: 1e-5));
        Assert.True(attention.min().item<float>() >= 0);
    }

    [Fact]
    public void The_blind_baseline_ignores_the_image_and_the_others_do_not()
    {
        using var scope = torch.NewDisposeScope();
        var (images, tokens) = Inputs(5);
        var other = Inputs(6).Images;
        foreach (var kind in Enum.GetValues<VqaModelKind>())
        {
            torch.manual_seed(7);
            using var net = new VqaNetwork(Tiny(kind));
            net.eval();
            bool same = net.forward(images, tokens).Logits.allclose(net.forward(other, tokens).Logits);
            Assert.Equal(kind == VqaModelKind.Blind, same);
            Assert.Equal(kind switch { VqaModelKind.StackedAttention => 2, VqaModelKind.CoAttention => 1, _ => 0 }, net.forward(images, tokens).Attention.shape[1]);
        }
    }

    [Fact]
    public void Grid_positions_are_cell_centres_row_major_in_minus_one_to_one()
    {
        using var scope = torch.NewDisposeScope();
        var p = AttentionHop.GridPositions(2, 3, CPU);
        float[] expected = [-2f / 3, -0.5f, 0, -0.5f, 2f / 3, -0.5f, -2f / 3, 0.5f, 0, 0.5f, 2f / 3, 0.5f];
        Assert.Equal(expected, p.data<float>().ToArray(), new FloatComparer(1e-6f));
    }

    [Fact]
    public void The_second_hop_sees_positions_relative_to_where_the_first_hop_looked()
    {
        // Weights set by hand, image and question switched off: hop 1 scores ≈ 10·x (tanh in its linear range), so it
        // looks at the rightmost column; hop 2 scores a bump 10·(tanh(20 r + 3) − tanh(20 r − 3)), high only where the
        // offset r from hop 1's focus is within ±0.15. Relative to the focus that is the rightmost column; measured
        // from the image centre (absolute positions) it would be the middle ones.
        using var scope = torch.NewDisposeScope();
        using var net = new VqaNetwork(Tiny() with { RelativePositions = true });
        net.eval();
        var p = net.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in p.Where(x => x.Key.StartsWith("hops.", StringComparison.Ordinal))) parameter.zero_();
            p["hops.0.offsetProj.weight"][0, 0] = 0.1f;
            p["hops.0.score.weight"][0, 0] = 100f;
            p["hops.1.offsetProj.weight"][0, 0] = 20f;
            p["hops.1.offsetProj.weight"][1, 0] = 20f;
            p["hops.1.queryProj.bias"][0] = 3f;
            p["hops.1.queryProj.bias"][1] = -3f;
            p["hops.1.score.weight"][0, 0] = 10f;
            p["hops.1.score.weight"][0, 1] = -10f;
        }
        var (images, tokens) = Inputs(8);
        var (_, attention) = net.forward(images, tokens);                    // (3, 2 hops, 36) over a 6×6 grid
        var columns = attention.view(3, 2, 6, 6).sum(2);                      // (3, 2, 6): each column's share
        Assert.True(columns[.., 0, 5].min().item<float>() > 0.9, "hop 1 looks at the rightmost column");
        Assert.True(columns[.., 1, 5].min().item<float>() > 0.9, $"hop 2 looks where hop 1 did: {string.Join(", ", columns[0, 1].data<float>().ToArray().Select(v => v.ToString("F2")))}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Answering_from_the_last_hop_leaves_out_what_earlier_hops_saw(bool fromLastHop)
    {
        // The last hop's parameters are zeroed, so it looks at every region equally whatever hop 1 did: its glimpse is
        // the mean region. Answering from the question and that glimpse, the answer cannot depend on hop 1 at all;
        // answering from the refined query (Yang et al.), it carries hop 1's glimpse and does.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        using var net = new VqaNetwork(Tiny() with { RelativePositions = true, AnswerFromLastHop = fromLastHop });
        net.eval();
        var p = net.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var (images, tokens) = Inputs(10);
        images = images[..1].expand(3, -1, -1, -1);   // one image, three questions
        Tensor Logits()
        {
            var (logits, attention) = net.forward(images, tokens);
            Assert.True(attention[.., 1].allclose(full_like(attention[.., 1], 1.0 / 36), atol: 1e-6), "the last hop looks everywhere alike");
            return logits;
        }
        using (torch.no_grad())
            foreach (var (name, parameter) in p.Where(x => x.Key.StartsWith("hops.1.", StringComparison.Ordinal))) parameter.zero_();
        var before = Logits();
        using (torch.no_grad())
            foreach (var (name, parameter) in p.Where(x => x.Key.StartsWith("hops.0.", StringComparison.Ordinal))) parameter.normal_(0, 2);
        var after = Logits();
        Assert.Equal(fromLastHop, before.allclose(after, atol: 1e-5));
        // The question still counts: one image, three questions, three answers.
        Assert.False(after[0].allclose(after[1], atol: 1e-4) || after[1].allclose(after[2], atol: 1e-4), "the answer reads the question too");
    }

    [Fact]
    public void The_count_term_tells_two_matching_regions_from_four_where_the_softmax_cannot()
    {
        // Regions whose first feature is 1 match; the softmax spreads over them equally, so two or four of them attend
        // to the same average. The gate σ(20·h − 10) is ≈ 1 on a match and ≈ 0 elsewhere, and W_C writes n into the
        // query's second feature.
        using var scope = torch.NewDisposeScope();
        Tensor Regions(int matching)
        {
            var r = zeros(1, 8, 4);
            r[0, ..matching, 0] = 1f;
            return r;
        }
        (Tensor A, Tensor B) Refined(bool counting)
        {
            using var hop = new AttentionHop(4, 2, counting: counting);
            var p = hop.named_parameters().ToDictionary(x => x.name, x => x.parameter);
            using (torch.no_grad())
            {
                foreach (var parameter in p.Values) parameter.zero_();
                p["imageProj.weight"][0, 0] = 5f;
                p["score.weight"][0, 0] = 10f;
                if (counting)
                {
                    p["gate.weight"][0, 0] = 20f;
                    p["gate.bias"][0] = -10f;
                    p["countProj.weight"][1, 0] = 1f;
                }
            }
            var query = zeros(1, 4);
            return (hop.forward(Regions(2), query, null).Query, hop.forward(Regions(4), query, null).Query);
        }
        var (plainTwo, plainFour) = Refined(counting: false);
        Assert.True(plainTwo.allclose(plainFour, atol: 1e-4), "without the count, two and four matches attend alike");
        var (two, four) = Refined(counting: true);
        Assert.Equal(2f, two[0, 1].item<float>(), 0.01f);
        Assert.Equal(4f, four[0, 1].item<float>(), 0.01f);
    }

    private sealed class FloatComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
