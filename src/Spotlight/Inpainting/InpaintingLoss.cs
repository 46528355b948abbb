using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spotlight.Inpainting;

/// <summary>Loss weights. Defaults are PEN-Net's (hole 6, valid 1, pyramid 0.5); the GAN term is off by default.</summary>
public sealed record InpaintingLossWeights(
    double Hole = 6, double Valid = 1, double Pyramid = 0.5, double Adversarial = 0,
    bool SpatialDiscount = false, double DiscountGamma = 0.9)
{
    public void Validate()
    {
        foreach (var (name, v) in new[] { ("hole", Hole), ("valid", Valid), ("pyramid", Pyramid), ("adversarial", Adversarial) })
            if (!(v >= 0) || double.IsInfinity(v)) throw new SpotlightException($"{name} loss weight must be ≥ 0, got {v}");
        if (!(DiscountGamma > 0 && DiscountGamma <= 1)) throw new SpotlightException($"discount γ must lie in (0, 1], got {DiscountGamma}");
    }
}

/// <summary>The parts of one step's loss, as scalars (the total keeps its graph).</summary>
public sealed record InpaintingLossParts(Tensor Total, Tensor Hole, Tensor Valid, Tensor Pyramid, Tensor Adversarial);

public static class InpaintingLoss
{
    /// <summary>
    /// hole L1 (mean over hole pixels, optionally spatially discounted) · 6 + valid L1 (mean over known pixels) · 1 +
    /// pyramid L1 (each pyramid output against the target average-pooled to its size, summed) · 0.5 + an optional
    /// generator term supplied by the caller (hinge GAN: −D(fake)).
    /// </summary>
    public static InpaintingLossParts Compute(InpaintingOutput output, Tensor target, Tensor hole, InpaintingLossWeights weights,
        Tensor? adversarial = null)
    {
        var diff = (output.Image - target).abs();                                    // (B, 3, S, S)
        var holeWeight = weights.SpatialDiscount ? SpatialDiscount(hole, weights.DiscountGamma) : hole;
        var holeLoss = (diff * holeWeight).sum() / (3 * hole.sum()).clamp_min(1);
        var known = 1 - hole;
        var validLoss = (diff * known).sum() / (3 * known.sum()).clamp_min(1);
        var pyramid = zeros(1, dtype: diff.dtype, device: diff.device).squeeze();
        foreach (var level in output.Pyramid)
        {
            var small = F.adaptive_avg_pool2d(target, [level.shape[2], level.shape[3]]);
            pyramid = pyramid + (level - small).abs().mean();
        }
        var adv = adversarial ?? zeros_like(pyramid);
        var total = weights.Hole * holeLoss + weights.Valid * validLoss + weights.Pyramid * pyramid + weights.Adversarial * adv;
        return new InpaintingLossParts(total, holeLoss, validLoss, pyramid, adv);
    }

    /// <summary>
    /// DeepFill v1's spatially discounted weights (Yu et al. 2018, §3.1): a hole pixel at chessboard distance d from the
    /// nearest known pixel weighs γ^(d−1), so the ring next to the known region counts fully and the far centre,
    /// which has many plausible fillings, counts less. Known pixels weigh 0. No gradient flows through it.
    /// </summary>
    public static Tensor SpatialDiscount(Tensor hole, double gamma)
    {
        using var scope = NewDisposeScope();
        var weight = zeros_like(hole);
        var reached = 1 - hole;                                         // known pixels, then grown ring by ring
        for (int d = 1; d <= hole.shape[2] + hole.shape[3]; d++)
        {
            var grown = F.max_pool2d(reached, 3, stride: 1, padding: 1);
            var ring = (grown - reached).clamp_min(0);
            if (ring.sum().item<float>() == 0) break;
            weight = weight + ring * Math.Pow(gamma, d - 1);
            reached = grown;
        }
        return weight.detach().MoveToOuterDisposeScope();
    }
}
