namespace Spotlight.Captioning.Data;

/// <summary>
/// Images with their captions and splits, as read from disk. Loading checks everything the training run would
/// otherwise trip over later (missing image files, duplicate ids, empty captions, malformed JSON) and fails with one
/// line naming the file and id; lesser oddities are collected in <see cref="Warnings"/>.
/// </summary>
public sealed class CaptionDataset
{
    /// <summary>Formats tried in order by <see cref="Load"/>; the COCO reader, which accepts any .json file, goes last.</summary>
    public static IReadOnlyList<ICaptionDatasetFormat> Formats { get; } = [new FlickrTokenFormat(), new KarpathySplitFormat(), new CocoCaptionsFormat()];

    /// <summary>Format names for <c>--format</c>.</summary>
    public static readonly IReadOnlyDictionary<string, ICaptionDatasetFormat> FormatsByOption = new Dictionary<string, ICaptionDatasetFormat>
    {
        ["flickr"] = Formats[0], ["karpathy"] = Formats[1], ["coco"] = Formats[2],
    };

    public CaptionDataset(IReadOnlyList<CaptionImage> images, string source, IReadOnlyList<string>? warnings = null)
    {
        Images = images;
        Source = source;
        Warnings = warnings ?? [];
    }

    public IReadOnlyList<CaptionImage> Images { get; }
    public string Source { get; }
    public IReadOnlyList<string> Warnings { get; }
    public int Count => Images.Count;
    public IReadOnlyList<string> SplitNames => [.. Images.Select(i => i.Split).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Reads a data set from a directory (synthetic: captions.json + splits.json + images/) or a file.</summary>
    /// <param name="path">the data-set folder or file</param>
    /// <param name="imageRoot">where image names are relative to (null: the format's default)</param>
    /// <param name="format">"flickr", "karpathy" or "coco" to skip detection; null = auto-detect</param>
    public static CaptionDataset Load(string path, string? imageRoot = null, string? format = null)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new SpotlightException($"{path}: no such file or directory");
        if (imageRoot is not null && !Directory.Exists(imageRoot)) throw new SpotlightException($"{imageRoot}: image folder not found");
        ICaptionDatasetFormat reader;
        if (format is not null)
        {
            if (!FormatsByOption.TryGetValue(format, out reader!))
                throw new SpotlightException($"unknown data-set format '{format}' (expected {string.Join(", ", FormatsByOption.Keys)})");
        }
        else
        {
            reader = Formats.FirstOrDefault(f => f.Recognises(path))
                ?? throw new SpotlightException($"{path}: not a captioning data set this version reads ({string.Join(", ", Formats.Select(f => f.Name))})");
        }
        return reader.Read(path, imageRoot);
    }

    /// <summary>The images of one split ("train", "val", "test"), in file order.</summary>
    public CaptionDataset Split(string name)
    {
        var images = Images.Where(i => i.Split == name).ToArray();
        if (images.Length == 0)
            throw new SpotlightException($"{Source}: no images in split \"{name}\" (splits present: {string.Join(", ", SplitNames)})");
        return new CaptionDataset(images, Source, Warnings);
    }

    public IEnumerable<string> AllCaptions => Images.SelectMany(i => i.Captions);
}
