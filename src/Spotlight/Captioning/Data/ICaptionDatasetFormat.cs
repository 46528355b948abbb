namespace Spotlight.Captioning.Data;

/// <summary>
/// A captioning data-set layout on disk. <see cref="CaptionDataset.Load"/> asks each registered format in turn and
/// uses the first that recognises the path, so Flickr8k or Karpathy-split readers can be added beside the COCO one.
/// </summary>
public interface ICaptionDatasetFormat
{
    string Name { get; }

    /// <summary>Cheap check (file names, not full parsing) whether this format should read the path.</summary>
    bool Recognises(string path);

    /// <param name="path">The file or directory given by the user.</param>
    /// <param name="imageRoot">Where image file names are relative to; null for the format's default.</param>
    CaptionDataset Read(string path, string? imageRoot);
}
