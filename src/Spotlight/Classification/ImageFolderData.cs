using Spotlight.Captioning.Data;
using Spotlight.Vision;

namespace Spotlight.Classification;

/// <summary>One labelled image.</summary>
public sealed record LabelledImage(string Path, int Label);

/// <summary>
/// An image-folder data set, one folder per class: <c>DIR/train/CLASS/*</c>, <c>DIR/val/CLASS/*</c> and optionally
/// <c>DIR/test/CLASS/*</c>, or <c>DIR/CLASS/*</c> alone (hidden folders and __MACOSX are not classes), which is split 80/10/10 per class by a seeded shuffle of the
/// sorted file names. Classes are the folder names in ordinal order; files that are not images (by their signature)
/// are left out with a notice. Empty classes, a single class, or a split without images are one-line errors.
/// </summary>
public sealed class ImageFolderData
{
    public static readonly string[] Splits = ["train", "val", "test"];
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];
    private readonly Dictionary<string, List<LabelledImage>> splits;

    private ImageFolderData(string directory, IReadOnlyList<string> classes, Dictionary<string, List<LabelledImage>> splits, IReadOnlyList<string> notices)
    {
        Directory = directory;
        Classes = classes;
        this.splits = splits;
        Notices = notices;
    }

    public string Directory { get; }
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<string> Notices { get; }

    public IReadOnlyList<LabelledImage> Split(string name) => splits.TryGetValue(name, out var images) && images.Count > 0 ? images
        : throw new SpotlightException($"{Directory}: the '{name}' split has no images");

    public static ImageFolderData Load(string directory, long seed = 1)
    {
        if (!System.IO.Directory.Exists(directory)) throw new SpotlightException($"{directory}: folder not found");
        var notices = new List<string>();
        bool presplit = System.IO.Directory.Exists(Path.Combine(directory, "train")) && System.IO.Directory.Exists(Path.Combine(directory, "val"));
        var classRoot = presplit ? Path.Combine(directory, "train") : directory;
        var classes = System.IO.Directory.GetDirectories(classRoot).Select(Path.GetFileName).OfType<string>()
            .Where(name => !name.StartsWith('.') && name != "__MACOSX").Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
            throw new SpotlightException($"{classRoot}: expected one folder per class (at least 2), found {classes.Count}");
        var splits = Splits.ToDictionary(s => s, _ => new List<LabelledImage>());
        for (int label = 0; label < classes.Count; label++)
        {
            if (presplit)
            {
                foreach (var split in Splits)
                    splits[split].AddRange(Images(Path.Combine(directory, split, classes[label]), notices).Select(p => new LabelledImage(p, label)));
            }
            else
            {
                var files = Images(Path.Combine(directory, classes[label]), notices);
                if (files.Count == 0) throw new SpotlightException($"{Path.Combine(directory, classes[label])}: the class '{classes[label]}' has no images");
                SeededRandom.Derive(seed, label).Shuffle(files);
                int val = Math.Max(1, files.Count / 10), test = Math.Max(1, files.Count / 10);
                splits["val"].AddRange(files.Take(val).Select(p => new LabelledImage(p, label)));
                splits["test"].AddRange(files.Skip(val).Take(test).Select(p => new LabelledImage(p, label)));
                splits["train"].AddRange(files.Skip(val + test).Select(p => new LabelledImage(p, label)));
            }
        }
        foreach (var (label, name) in classes.Select((c, i) => (i, c)))
            if (!splits["train"].Any(i => i.Label == label)) throw new SpotlightException($"{classRoot}: the class '{name}' has no training images");
        return new ImageFolderData(directory, classes, splits, notices);
    }

    /// <summary>The image files of a folder (sorted), others noted and left out; a missing folder has none.</summary>
    private static List<string> Images(string folder, List<string> notices)
    {
        if (!System.IO.Directory.Exists(folder)) return [];
        var images = new List<string>();
        foreach (var file in System.IO.Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            if (Extensions.Contains(Path.GetExtension(file).ToLowerInvariant()) && ImageSignature.IsSupported(ImageSignature.Sniff(Head(file))))
                images.Add(file);
            else notices.Add($"{file}: not an image, left out");
        }
        return images;
    }

    private static byte[] Head(string file)
    {
        using var stream = File.OpenRead(file);
        var head = new byte[32];
        return head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
    }
}
