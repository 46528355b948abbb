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
    [InlineData(VqaModelKind.StackedAttention)]
    [InlineData(VqaModelKind.NoAttention)]
    [InlineData(VqaModelKind.Blind)]
    [InlineData(VqaModelKind.CoAttention)]
    public void A_batch_answers_exactly_as_one_question_at_a_time(VqaModelKind kind)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var net = new VqaNetwork(Tiny(kind));
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
    [InlineData(VqaModelKind.StackedAttention, 3)]
    [InlineData(VqaModelKind.CoAttention, 1)]
    public void Every_hop_attends_with_weights_that_sum_to_one_over_the_regions(VqaModelKind kind, int maps)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var net = new VqaNetwork(Tiny(kind) with { Hops = 3 });
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
}
