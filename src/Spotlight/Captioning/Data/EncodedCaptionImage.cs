namespace Spotlight.Captioning.Data;

/// <summary>An image with its captions as word ids (no &lt;start&gt;/&lt;end&gt;: the loader adds them).</summary>
public sealed record EncodedCaptionImage(string Id, string ImagePath, IReadOnlyList<int[]> Captions);

/// <summary>One sample of an epoch: which image, which of its captions, and whether it is mirrored.</summary>
public readonly record struct CaptionSample(int Image, int Caption, bool Flip);
