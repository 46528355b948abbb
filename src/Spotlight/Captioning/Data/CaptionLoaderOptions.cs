namespace Spotlight.Captioning.Data;

public enum CaptionSampling
{
    /// <summary>Every (image, caption) pair is one sample: an epoch sees each caption once (5 per image).</summary>
    EveryCaption,
    /// <summary>Each image once per epoch, with one of its captions picked from (seed, epoch, image).</summary>
    OneCaptionPerImage,
}

/// <summary>
/// How the batch loader orders and prepares samples. The order depends only on (Seed, epoch), never on threads.
/// </summary>
/// <param name="BatchSize">Samples per batch.</param>
/// <param name="Seed">Fixes shuffling, caption choice and flips.</param>
/// <param name="Shuffle">Shuffle the samples each epoch (off: data-set order).</param>
/// <param name="Sampling">Every caption as a sample, or one caption per image per epoch.</param>
/// <param name="Prefetch">Batches prepared ahead on worker threads (0: prepare each batch when asked).</param>
/// <param name="HorizontalFlip">Mirror half the images (chosen from seed, epoch, position) and swap left/right in
/// their captions. Off by default: valid for the synthetic shapes, not for every data set.</param>
/// <param name="DropLast">Skip the last batch when it would be smaller than BatchSize.</param>
/// <param name="CacheBytes">Keep resized images (Size×Size×3 bytes each) in memory up to this many bytes, so later
/// epochs skip decoding; 0 turns the cache off.</param>
/// <param name="Pixels">Decode and normalise the images (off when region features come from a feature cache:
/// batches then carry an empty (B, 0) image tensor, and <see cref="CaptionBatch.Samples"/> says which image each row is).</param>
public sealed record CaptionLoaderOptions(
    int BatchSize = 32,
    long Seed = 0,
    bool Shuffle = true,
    CaptionSampling Sampling = CaptionSampling.EveryCaption,
    int Prefetch = 4,
    bool HorizontalFlip = false,
    bool DropLast = false,
    long CacheBytes = 512L * 1024 * 1024,
    bool Pixels = true)
{
    /// <summary>Every image once, in data-set order: for evaluation and caption generation.</summary>
    public static CaptionLoaderOptions Evaluation(int batchSize = 32) =>
        new(batchSize, Shuffle: false, Sampling: CaptionSampling.OneCaptionPerImage);

    public void Validate()
    {
        if (BatchSize < 1) throw new SpotlightException($"batch size must be at least 1, got {BatchSize}");
        if (Prefetch < 0 || Prefetch > 64) throw new SpotlightException($"prefetch must be between 0 and 64 batches, got {Prefetch}");
        if (CacheBytes < 0) throw new SpotlightException($"image cache size must not be negative, got {CacheBytes}");
    }
}
