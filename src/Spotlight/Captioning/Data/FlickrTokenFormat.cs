using System.Text;

namespace Spotlight.Captioning.Data;

/// <summary>
/// Flickr8k / Flickr30k as distributed: a token file of lines <c>name.jpg#k&lt;TAB&gt;caption</c>
/// (<c>Flickr8k.token.txt</c>, <c>results_20130124.token</c>, or <c>captions.txt</c>) and split files listing image
/// names (<c>Flickr_8k.trainImages.txt</c> / <c>devImages</c> / <c>testImages</c>, or <c>train.txt</c> / <c>dev.txt</c>
/// / <c>test.txt</c>). "dev" becomes the "val" split. Give the folder that holds them (images in <c>images/</c>,
/// <c>Flicker8k_Dataset/</c>, <c>Flickr8k_Dataset/</c> or <c>flickr30k-images/</c>) or the token file itself.
/// </summary>
/// <remarks>
/// Rules (docs/data.md): a malformed line (no tab, no <c>#k</c>, a caption number given twice) stops loading with the
/// file and line. Lines whose image file is missing, empty captions, split entries without captions and images in no
/// split are skipped, counted and reported as warnings (Flickr8k's token file names one image that does not exist).
/// </remarks>
public sealed class FlickrTokenFormat : ICaptionDatasetFormat
{
    private static readonly string[] TokenFiles = ["Flickr8k.token.txt", "results_20130124.token", "captions.txt", "Flickr30k.token.txt"];
    private static readonly string[] ImageFolders = ["images", "Flicker8k_Dataset", "Flickr8k_Dataset", "flickr30k-images", "flickr30k_images"];
    private static readonly (string Split, string[] Files)[] SplitFiles =
    [
        ("train", ["Flickr_8k.trainImages.txt", "Flickr_30k.trainImages.txt", "train.txt", "trainImages.txt"]),
        ("val", ["Flickr_8k.devImages.txt", "Flickr_30k.devImages.txt", "dev.txt", "val.txt", "devImages.txt"]),
        ("test", ["Flickr_8k.testImages.txt", "Flickr_30k.testImages.txt", "test.txt", "testImages.txt"]),
    ];

    public string Name => "Flickr8k/30k token file";

    public bool Recognises(string path) => TokenFile(path) is not null;

    private static string? TokenFile(string path)
    {
        if (File.Exists(path))
            return path.EndsWith(".token", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".token.txt", StringComparison.OrdinalIgnoreCase)
                || (Path.GetFileName(path) == "captions.txt" && LooksLikeTokens(path)) ? path : null;
        if (!Directory.Exists(path)) return null;
        return TokenFiles.Select(f => Path.Combine(path, f)).FirstOrDefault(f => File.Exists(f) && LooksLikeTokens(f));
    }

    /// <summary>A Flickr token line: a name with #digit, a tab, text (Kaggle's captions.txt is CSV and does not match).</summary>
    private static bool LooksLikeTokens(string file)
    {
        using var reader = new StreamReader(file, Encoding.UTF8);
        var first = reader.ReadLine();
        return first is not null && first.IndexOf('\t') is int tab && tab > 0 && first.LastIndexOf('#', tab) > 0;
    }

    public CaptionDataset Read(string path, string? imageRoot)
    {
        string tokens = TokenFile(path) ?? throw new SpotlightException($"{path}: no Flickr token file found");
        string dir = Path.GetDirectoryName(Path.GetFullPath(tokens))!;
        imageRoot ??= ImageFolders.Select(f => Path.Combine(dir, f)).FirstOrDefault(Directory.Exists)
            ?? throw new SpotlightException($"{dir}: no image folder ({string.Join(", ", ImageFolders)}); give one with --images");
        var warnings = new List<string>();

        var order = new List<string>();
        var captions = new Dictionary<string, SortedDictionary<int, string>>(StringComparer.Ordinal);
        int lineNumber = 0, missingLines = 0, emptyLines = 0;
        var missingImages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(tokens, Encoding.UTF8))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            int tab = line.IndexOf('\t');
            if (tab < 0) throw new SpotlightException($"{tokens}:{lineNumber}: expected \"name.jpg#k<TAB>caption\", found no tab");
            string key = line[..tab];
            int hash = key.LastIndexOf('#');
            if (hash <= 0 || !int.TryParse(key.AsSpan(hash + 1), out int number) || number < 0)
                throw new SpotlightException($"{tokens}:{lineNumber}: \"{key}\" is not name#k with a caption number k");
            string name = key[..hash], caption = line[(tab + 1)..].Trim();
            if (!captions.TryGetValue(name, out var list))
            {
                if (!File.Exists(Path.Combine(imageRoot, name)))
                {
                    missingLines++;
                    if (missingImages.Add(name) && missingImages.Count <= 3) warnings.Add($"{tokens}:{lineNumber}: image {name} not found under {imageRoot}; its captions are skipped");
                    continue;
                }
                captions[name] = list = [];
                order.Add(name);
            }
            if (caption.Length == 0)
            {
                if (++emptyLines <= 3) warnings.Add($"{tokens}:{lineNumber}: empty caption for {name}, skipped");
                continue;
            }
            if (!list.TryAdd(number, caption)) throw new SpotlightException($"{tokens}:{lineNumber}: caption {name}#{number} appears twice");
        }
        if (missingImages.Count > 3) warnings.Add($"{tokens}: {missingImages.Count} image names without a file in all ({missingLines} caption lines skipped)");
        if (emptyLines > 3) warnings.Add($"{tokens}: {emptyLines} empty captions in all, skipped");
        if (order.Count == 0) throw new SpotlightException($"{tokens}: no captions whose image exists under {imageRoot}");

        var split = ReadSplits(dir, captions, warnings);
        var images = order.Where(n => split.ContainsKey(n) && captions[n].Count > 0)
            .Select(n => new CaptionImage(n, Path.Combine(imageRoot, n), [.. captions[n].Values], split[n])).ToArray();
        int unsplit = order.Count(n => !split.ContainsKey(n));
        if (unsplit > 0) warnings.Add($"{dir}: {unsplit} image(s) with captions are in no split file and are left out");
        return new CaptionDataset(images, tokens, warnings);
    }

    private static Dictionary<string, string> ReadSplits(string dir, Dictionary<string, SortedDictionary<int, string>> captions, List<string> warnings)
    {
        var split = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, candidates) in SplitFiles)
        {
            var file = candidates.Select(f => Path.Combine(dir, f)).FirstOrDefault(File.Exists);
            if (file is null) continue;
            int lineNumber = 0, unknown = 0;
            foreach (var raw in File.ReadLines(file, Encoding.UTF8))
            {
                lineNumber++;
                var image = raw.Trim();
                if (image.Length == 0) continue;
                if (!captions.ContainsKey(image))
                {
                    if (++unknown <= 3) warnings.Add($"{file}:{lineNumber}: {image} has no captions (or no image file), skipped");
                    continue;
                }
                if (split.TryGetValue(image, out var other) && other != name)
                    throw new SpotlightException($"{file}:{lineNumber}: {image} is already in the {other} split");
                split[image] = name;
            }
            if (unknown > 3) warnings.Add($"{file}: {unknown} names without captions in all, skipped");
        }
        if (split.Count == 0)
            throw new SpotlightException($"{dir}: no split files (train.txt/dev.txt/test.txt or Flickr_8k.*Images.txt); for Flickr30k use Karpathy's dataset_flickr30k.json");
        return split;
    }
}
