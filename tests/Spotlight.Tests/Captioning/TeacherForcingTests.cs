using Spotlight.Captioning;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Captioning;

/// <summary>
/// Teacher forcing that stops computing rows whose caption has ended must give, at every real position, what the
/// dense computation over the whole padded batch gives: the same logits, the same α, the same loss and gradients.
/// </summary>
[Collection(Spotlight.Tests.Checkpoints.GlobalRngCollection.Name)]
public class TeacherForcingTests
{
    private const int Vocab = 23, Regions = 6, FeatureDim = 12, Length = 7;

    private static (AttentionDecoder Decoder, Tensor Regions, Tensor Tokens) Setup(AttentionKind attention, DecoderCellKind cell)
    {
        torch.manual_seed(17);
        var config = new CaptionerConfig(Vocab, EmbedDim: 8, DecoderDim: 16, AttentionDim: 8, Attention: attention, Heads: 2, Cell: cell, Dropout: 0f);
        var decoder = new AttentionDecoder(config, FeatureDim);
        var regions = torch.randn(5, Regions, FeatureDim);
        // <start> words <end> <pad>…: five captions of 1 to 5 words, not sorted by length.
        int[] words = [3, 1, 5, 2, 4];
        var tokens = torch.zeros(5, Length + 1, dtype: int64);
        for (int b = 0; b < 5; b++)
        {
            tokens[b, 0] = 1;
            for (int w = 1; w <= words[b]; w++) tokens[b, w] = 4 + (b * 3 + w) % (Vocab - 4);
            tokens[b, words[b] + 1] = 2;
        }
        return (decoder, regions, tokens);
    }

    [Theory]
    [InlineData(AttentionKind.Additive, DecoderCellKind.Lstm)]
    [InlineData(AttentionKind.ScaledDot, DecoderCellKind.Gru)]
    [InlineData(AttentionKind.MultiHead, DecoderCellKind.Lstm)]
    public void Stopping_ended_rows_changes_nothing_at_real_positions(AttentionKind attention, DecoderCellKind cell)
    {
        var (decoder, regions, tokens) = Setup(attention, cell);
        using var _ = decoder;
        var inputs = tokens[.., ..^1];
        var valid = tokens[.., 1..].ne(0);                                    // (batch, T)
        var steps = valid.sum(1);
        var (denseLogits, denseAlphas) = decoder.forward(regions, inputs);
        var (packedLogits, packedAlphas) = decoder.forward(regions, inputs, steps);

        var mask = valid.unsqueeze(-1);
        Assert.True(packedLogits.masked_select(mask).allclose(denseLogits.masked_select(mask), rtol: 1e-5, atol: 1e-6));
        Assert.True(packedAlphas.masked_select(mask).allclose(denseAlphas.masked_select(mask), rtol: 1e-5, atol: 1e-6));
        Assert.Equal(0f, packedAlphas.masked_select(mask.logical_not()).abs().sum().item<float>());
        // The rows did get reordered inside; each row's first logit must still be its own.
        Assert.False(denseLogits[0, 0].allclose(denseLogits[1, 0]));
    }

    [Fact]
    public void Loss_and_gradients_equal_the_dense_computation()
    {
        var (decoder, regions, tokens) = Setup(AttentionKind.Additive, DecoderCellKind.Lstm);
        using var _ = decoder;
        var steps = tokens[.., 1..].ne(0).sum(1);

        float Loss(Tensor? s, out List<Tensor> gradients)
        {
            decoder.zero_grad();
            var (logits, alphas) = decoder.forward(regions, tokens[.., ..^1], s);
            var loss = CaptionLoss.Compute(logits, alphas, tokens, lambda: 1f).Total;
            loss.backward();
            gradients = decoder.parameters().Select(p => p.grad is null ? torch.zeros_like(p) : p.grad.clone()).ToList();
            return loss.item<float>();
        }

        float dense = Loss(null, out var denseGradients);
        float packed = Loss(steps, out var packedGradients);
        Assert.Equal(dense, packed, 1e-5f);
        for (int i = 0; i < denseGradients.Count; i++)
            Assert.True(packedGradients[i].allclose(denseGradients[i], rtol: 1e-4, atol: 1e-6), $"parameter {i} gradient differs");
        Assert.Contains(packedGradients, g => g.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Teacher_forcing_equals_the_decoding_step_function()
    {
        var (decoder, regions, tokens) = Setup(AttentionKind.Additive, DecoderCellKind.Lstm);
        using var _ = decoder;
        var (logits, alphas) = decoder.forward(regions, tokens[.., ..^1]);
        var state = decoder.Start(regions);
        for (int t = 0; t < Length; t++)
        {
            var (stepLogits, next, alpha) = decoder.Step(tokens[.., t], state);
            Assert.True(stepLogits.allclose(logits[.., t], rtol: 1e-5, atol: 1e-6), $"step {t} logits differ");
            Assert.True(alpha.allclose(alphas[.., t], rtol: 1e-5, atol: 1e-6), $"step {t} attention differs");
            state = next;
        }
    }
}
