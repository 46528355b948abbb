namespace Spotlight.Inpainting;

/// <summary>How the encoder's skip features reach the decoder.</summary>
public enum SkipKind
{
    /// <summary>PEN-Net's attention transfer: each level's hole is filled by contextual attention computed one level deeper.</summary>
    AttentionTransfer,
    /// <summary>Identity skips (a plain U-Net): the ablation that shows what attention buys.</summary>
    Identity,
}

/// <summary>
/// A PEN-Net-style inpainting U-Net (Zeng et al., "Learning Pyramid-Context Encoder Network for High-Quality Image
/// Inpainting", CVPR 2019). The input is the masked RGB image and the mask; stride-2 levels go down to 4×4 (4 levels
/// at 64×64, 5 at 128×128); the decoder emits an RGB image at every level (the pyramid) and the final one at full size.
/// Saved inside every model file.
/// </summary>
public sealed record InpaintingConfig(
    int ImageSize = 64,
    int BaseChannels = 32,
    int MaxChannels = 128,
    bool Gated = false,
    SkipKind Skips = SkipKind.AttentionTransfer,
    ContextualAttentionOptions? Attention = null)
{
    public const int DeepestSize = 4;

    public ContextualAttentionOptions AttentionOptions => Attention ?? new ContextualAttentionOptions();

    /// <summary>Stride-2 levels from the image down to 4×4.</summary>
    public int Levels => (int)Math.Log2(ImageSize / DeepestSize);

    /// <summary>Channels of encoder level i (resolution ImageSize / 2^(i+1)): doubling, capped.</summary>
    public int Channels(int level) => Math.Min(BaseChannels << level, MaxChannels);

    /// <summary>A few thousand parameters: for tests.</summary>
    public static InpaintingConfig Tiny(int imageSize = 16) => new(imageSize, BaseChannels: 4, MaxChannels: 8);

    public void Validate()
    {
        if (ImageSize is not (16 or 32 or 64 or 128 or 256))
            throw new SpotlightException($"inpainting image size must be 16, 32, 64, 128 or 256 (64 and 128 are the supported model sizes), got {ImageSize}");
        if (BaseChannels < 1 || MaxChannels < BaseChannels)
            throw new SpotlightException($"channels must satisfy 1 ≤ base ≤ max, got base {BaseChannels}, max {MaxChannels}");
        AttentionOptions.Validate();
    }
}
