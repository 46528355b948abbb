namespace Spotlight.Captioning.Data;

/// <summary>One image with all its reference captions (raw text, not yet tokenized) and the split it belongs to.</summary>
public sealed record CaptionImage(string Id, string ImagePath, IReadOnlyList<string> Captions, string Split);
