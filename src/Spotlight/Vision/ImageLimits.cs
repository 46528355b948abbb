namespace Spotlight.Vision;

/// <summary>
/// Ceilings checked before any pixel is decoded, so a hostile or mistaken file (a 50000×50000 PNG of a few hundred
/// bytes) is refused instead of allocating gigabytes. Pixels are counted from the header's width × height.
/// </summary>
public sealed record ImageLimits(long MaxBytes = 256L * 1024 * 1024, long MaxPixels = 100_000_000)
{
    public static ImageLimits Default { get; } = new();

    public void Validate()
    {
        if (MaxBytes <= 0) throw new SpotlightException($"image limit MaxBytes must be positive, got {MaxBytes}");
        if (MaxPixels <= 0) throw new SpotlightException($"image limit MaxPixels must be positive, got {MaxPixels}");
    }
}
