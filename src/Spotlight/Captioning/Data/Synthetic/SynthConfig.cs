namespace Spotlight.Captioning.Data.Synthetic;

/// <summary>
/// Size of a synthetic captioning set. The defaults (5000 images of 64×64, 25000 captions) are small enough that the
/// captioning demo trains on two CPU cores in minutes, and large enough that it learns colours, shapes, counts and
/// relations rather than memorising images.
/// </summary>
public sealed record SynthConfig(int Train = 4000, int Val = 500, int Test = 500, int Size = 64, long Seed = 1)
{
    public const int CaptionsPerImage = 5;

    public int Total => Train + Val + Test;

    public void Validate()
    {
        if (Train < 0 || Val < 0 || Test < 0) throw new SpotlightException("image counts must not be negative");
        if (Total < 1) throw new SpotlightException("at least one image is needed (train + val + test)");
        if (Total > 1_000_000) throw new SpotlightException($"at most 1000000 images, got {Total}");
        if (Size < 32 || Size > 1024) throw new SpotlightException($"--size must be between 32 and 1024 pixels, got {Size}");
    }
}
