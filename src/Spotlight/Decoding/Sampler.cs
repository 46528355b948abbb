using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Decoding;

/// <summary>
/// How <see cref="Sampler"/> draws each token: from softmax(log p / <c>Temperature</c>), restricted to the
/// <c>TopK</c> most likely tokens (0 = all) and to the smallest set whose probability reaches <c>TopP</c>
/// (nucleus sampling, Holtzman et al. 2020; 1 = all). <c>Seed</c> makes a decode reproducible.
/// </summary>
public sealed record SamplingOptions(double Temperature = 1.0, int TopK = 0, double TopP = 1.0, long Seed = 0)
{
    /// <summary>Throws a one-line <see cref="SpotlightException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (!(Temperature > 0) || !double.IsFinite(Temperature))
            throw new SpotlightException($"Sampling temperature must be a finite number > 0 (got {Temperature}).");
        if (TopK < 0) throw new SpotlightException($"Sampling top-k must be ≥ 0, 0 turning it off (got {TopK}).");
        if (!(TopP > 0 && TopP <= 1)) throw new SpotlightException($"Sampling top-p must be in (0, 1] (got {TopP}).");
    }
}

/// <summary>
/// Sampled decoding, batched like <see cref="Greedy"/> (same masks: MinLength, NoRepeatNgram, BlockedTokens, and the
/// same stopping): each step draws one token per unfinished row. A hypothesis's LogProb is the model's own
/// log-probability of the drawn tokens (before temperature and truncation), so it can be compared with other decodes.
/// </summary>
public static class Sampler
{
    public static IReadOnlyList<Hypothesis> Decode(DecodeStep step, IDecoderState initial, int batchSize,
        DecodeOptions options, SamplingOptions sampling)
    {
        ArgumentNullException.ThrowIfNull(sampling);
        sampling.Validate();
        using var generator = new Generator((ulong)sampling.Seed);
        return Greedy.DecodeBy(step, initial, batchSize, options, scores => Draw(scores, sampling, generator));
    }

    /// <summary>scores (rows, vocab) masked log-probabilities → (log p of the drawn token, the token).</summary>
    private static (Tensor Values, Tensor Indexes) Draw(Tensor scores, SamplingOptions sampling, Generator generator)
    {
        // A row whose every token is masked gets uniform logits here; its −∞ log-probability then ends it as in Greedy.
        var dead = scores.isinf().logical_and(scores.lt(0)).all(1, keepdim: true);
        var logits = scores.where(dead.logical_not(), 0.0) / sampling.Temperature;
        if (sampling.TopK > 0 && sampling.TopK < logits.shape[1])
        {
            var kth = logits.topk(sampling.TopK, 1).values[.., ^1..];                  // (rows, 1)
            logits = logits.where(logits.ge(kth), double.NegativeInfinity);
        }
        if (sampling.TopP < 1)
        {
            var (sorted, order) = logits.sort(1, descending: true);
            var before = sorted.softmax(1).cumsum(1) - sorted.softmax(1);              // mass of the better tokens
            var drop = before.ge(sampling.TopP);                                        // the first token always stays
            logits = logits.scatter(1, order, sorted.where(drop.logical_not(), double.NegativeInfinity));
        }
        var tokens = logits.softmax(1).multinomial(1, generator: generator);            // (rows, 1)
        return (scores.gather(1, tokens).squeeze(1), tokens.squeeze(1));
    }
}
