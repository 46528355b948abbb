using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>The two terms of the training objective, kept apart so they can be logged apart.</summary>
public readonly record struct CaptionLossParts(Tensor Total, Tensor CrossEntropy, Tensor AttentionPenalty);

public static class CaptionLoss
{
    /// <summary>
    /// Cross-entropy over non-pad targets plus the doubly stochastic attention penalty of Xu et al. 2015 (eq. 14),
    /// λ Σ_regions (1 − Σ_t α_t)², summed over regions and averaged over the batch. Padded steps are excluded from
    /// both terms: their α would otherwise count as attention the caption never paid.
    /// </summary>
    /// <param name="logits">(batch, T, vocab) predictions for tokens[:, 1:]</param>
    /// <param name="alphas">(batch, T, regions) attention at each predicted step</param>
    /// <param name="tokens">(batch, T+1) the full padded captions</param>
    /// <param name="lambda">weight λ of the attention penalty</param>
    /// <param name="padId">id of &lt;pad&gt;</param>
    /// <param name="labelSmoothing">ε of label smoothing (Szegedy et al. 2016): the target is (1 − ε) one-hot + ε uniform</param>
    public static CaptionLossParts Compute(Tensor logits, Tensor alphas, Tensor tokens, float lambda, long padId = 0, double labelSmoothing = 0)
    {
        var targets = tokens[.., 1..];                                        // (batch, T)
        var crossEntropy = nn.functional.cross_entropy(
            logits.flatten(0, 1), targets.flatten(), ignore_index: padId, label_smoothing: labelSmoothing);
        var valid = targets.ne(padId).to(alphas.dtype).unsqueeze(-1);         // (batch, T, 1)
        var coverage = (alphas * valid).sum(1);                               // (batch, regions)
        var penalty = (1 - coverage).pow(2).sum(1).mean();
        return new CaptionLossParts(crossEntropy + lambda * penalty, crossEntropy, penalty);
    }
}
