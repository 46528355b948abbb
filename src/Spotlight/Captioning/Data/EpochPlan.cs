namespace Spotlight.Captioning.Data;

/// <summary>
/// The sample order of one epoch, a pure function of (options, epoch, caption counts): shuffling uses a generator
/// derived from (seed, epoch), caption choice from (seed, epoch, image), flips from (seed, epoch, position).
/// </summary>
internal static class EpochPlan
{
    // Stream tags keep the three kinds of draw independent of each other.
    private const long ShuffleStream = 1, CaptionStream = 2, FlipStream = 3;

    public static CaptionSample[] Build(IReadOnlyList<int> captionCounts, CaptionLoaderOptions options, int epoch)
    {
        var samples = new List<CaptionSample>();
        for (int i = 0; i < captionCounts.Count; i++)
        {
            if (options.Sampling == CaptionSampling.EveryCaption)
            {
                for (int c = 0; c < captionCounts[i]; c++) samples.Add(new CaptionSample(i, c, false));
            }
            else
            {
                int c = SeededRandom.Derive(options.Seed, epoch, CaptionStream, i).Next(captionCounts[i]);
                samples.Add(new CaptionSample(i, c, false));
            }
        }
        if (options.Shuffle) SeededRandom.Derive(options.Seed, epoch, ShuffleStream).Shuffle(samples);
        if (options.HorizontalFlip)
            for (int p = 0; p < samples.Count; p++)
                samples[p] = samples[p] with { Flip = SeededRandom.Derive(options.Seed, epoch, FlipStream, p).NextBool() };
        return [.. samples];
    }
}
