using Spotlight.Captioning;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Captioning;

public class CaptionLossTests
{
    [Fact]
    public void The_attention_penalty_sums_over_regions_and_ignores_padded_steps()
    {
        // One caption, targets [w, <end>, <pad>]; 2 regions. α at the two real steps: [0.5, 0.5] and [1, 0];
        // at the padded step [0, 1] must not count. Coverage = [1.5, 0.5] → (1-1.5)² + (1-0.5)² = 0.25 + 0.25 = 0.5.
        var tokens = tensor(new long[] { 1, 5, 2, 0 }).reshape(1, 4);
        var alphas = tensor(new float[] { 0.5f, 0.5f, 1f, 0f, 0f, 1f }).reshape(1, 3, 2);
        var logits = zeros(1, 3, 6);                                   // uniform: cross-entropy = ln 6 per real token
        var loss = CaptionLoss.Compute(logits, alphas, tokens, lambda: 2f);
        Assert.Equal(0.5, loss.AttentionPenalty.item<float>(), 5);
        Assert.Equal(Math.Log(6), loss.CrossEntropy.item<float>(), 5);
        Assert.Equal(Math.Log(6) + 2 * 0.5, loss.Total.item<float>(), 5);
    }
}
