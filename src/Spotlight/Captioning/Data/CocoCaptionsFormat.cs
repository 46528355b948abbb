using Spotlight.IO;
using System.Globalization;
using System.Text.Json;

namespace Spotlight.Captioning.Data;

/// <summary>
/// COCO captions JSON ("images": id, file_name; "annotations": id, image_id, caption) with splits from a
/// splits.json beside it (image id → split name) or, failing that, from the file name (captions_train2014.json).
/// Accepts a directory holding captions.json (the synthetic layout, images under images/), the JSON file itself, or
/// COCO's own layout: a directory with <c>annotations/captions_*.json</c> and one image folder per file, named by the
/// file's suffix (<c>captions_val2017.json</c> → <c>val2017/</c>), each file's split from its name.
/// </summary>
public sealed class CocoCaptionsFormat : ICaptionDatasetFormat
{
    public string Name => "COCO captions JSON";

    public bool Recognises(string path) =>
        Directory.Exists(path) ? File.Exists(Path.Combine(path, "captions.json")) || CocoLayoutFiles(path).Length > 0
        : path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>COCO's layout: annotations/captions_*.json, in name order.</summary>
    private static string[] CocoLayoutFiles(string dir)
    {
        var annotations = Path.Combine(dir, "annotations");
        return Directory.Exists(annotations)
            ? [.. Directory.GetFiles(annotations, "captions_*.json").Order(StringComparer.Ordinal)]
            : [];
    }

    public CaptionDataset Read(string path, string? imageRoot)
    {
        if (Directory.Exists(path) && !File.Exists(Path.Combine(path, "captions.json")))
        {
            var files = CocoLayoutFiles(path);
            if (files.Length == 0) throw new SpotlightException($"{path}: neither captions.json nor annotations/captions_*.json");
            var images = new List<CaptionImage>();
            var warnings = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                // captions_val2017.json → val2017/ beside annotations/ (or --images when given).
                var folder = Path.Combine(path, Path.GetFileNameWithoutExtension(file)["captions_".Length..]);
                var root = imageRoot ?? (Directory.Exists(folder) ? folder
                    : throw new SpotlightException($"{file}: its images are expected in {folder}, which does not exist (or give --images)"));
                var part = ReadFile(file, root);
                foreach (var image in part.Images)
                    if (!seen.Add(image.Id)) throw new SpotlightException($"{file}: image id {image.Id} is also in an earlier captions file");
                images.AddRange(part.Images);
                warnings.AddRange(part.Warnings);
            }
            return new CaptionDataset(images, path, warnings);
        }
        string captionsFile = Directory.Exists(path) ? Path.Combine(path, "captions.json") : path;
        string parent = Path.GetDirectoryName(Path.GetFullPath(captionsFile))!;
        return ReadFile(captionsFile, imageRoot ?? (Directory.Exists(Path.Combine(parent, "images")) ? Path.Combine(parent, "images") : parent));
    }

    private static CaptionDataset ReadFile(string file, string imageRoot)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var warnings = new List<string>();

        using var doc = JsonFile.Parse(file);
        var root = doc.RootElement;
        JsonFile.ExpectKind(root, JsonValueKind.Object, "root", file);

        var order = new List<string>();
        var fileNames = new Dictionary<string, string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var image in JsonFile.Array(root, "images", "root", file).EnumerateArray())
        {
            string where = $"images[{index++}]";
            string id = Id(image, "id", where, file);
            string name = JsonFile.String(image, "file_name", $"image {id}", file);
            if (name.Length == 0) throw new SpotlightException($"{file}: image {id}: empty file_name");
            if (!fileNames.TryAdd(id, name)) throw new SpotlightException($"{file}: image id {id} appears twice");
            order.Add(id);
        }

        var captions = order.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        var annotationIds = new HashSet<string>(StringComparer.Ordinal);
        index = 0;
        foreach (var annotation in JsonFile.Array(root, "annotations", "root", file).EnumerateArray())
        {
            string where = $"annotations[{index++}]";
            string id = Id(annotation, "id", where, file);
            where = $"annotation {id}";
            if (!annotationIds.Add(id)) throw new SpotlightException($"{file}: annotation id {id} appears twice");
            string imageId = Id(annotation, "image_id", where, file);
            if (!captions.TryGetValue(imageId, out var list))
                throw new SpotlightException($"{file}: {where} refers to image {imageId}, which is not in \"images\"");
            string caption = JsonFile.String(annotation, "caption", where, file).Trim();
            if (caption.Length == 0) throw new SpotlightException($"{file}: {where} (image {imageId}): empty caption");
            list.Add(caption);
        }

        var splits = ReadSplits(file, dir, order, warnings);
        var missing = order.Where(id => !File.Exists(Path.Combine(imageRoot, fileNames[id]))).ToList();
        if (missing.Count > 0)
            throw new SpotlightException(
                $"{file}: {missing.Count} image file(s) missing under {imageRoot}, first: image {missing[0]} ({fileNames[missing[0]]})");
        foreach (var id in order.Where(id => captions[id].Count == 0))
            warnings.Add($"{file}: image {id} has no captions");

        var images = order.Select(id => new CaptionImage(id, Path.Combine(imageRoot, fileNames[id]), captions[id], splits(id))).ToArray();
        return new CaptionDataset(images, file, warnings);
    }

    private static Func<string, string> ReadSplits(string file, string dir, List<string> order, List<string> warnings)
    {
        string splitsFile = Path.Combine(dir, "splits.json");
        if (!File.Exists(splitsFile))
        {
            string name = Path.GetFileNameWithoutExtension(file).ToLowerInvariant();
            string? split = name.Contains("train") ? "train" : name.Contains("val") ? "val" : name.Contains("test") ? "test" : null;
            if (split is null) throw new SpotlightException($"{file}: no splits.json beside it, and its name names no split (train/val/test)");
            return _ => split;
        }
        using var doc = JsonFile.Parse(splitsFile);
        JsonFile.ExpectKind(doc.RootElement, JsonValueKind.Object, "root", splitsFile);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            JsonFile.ExpectKind(entry.Value, JsonValueKind.String, $"image {entry.Name}", splitsFile);
            string split = entry.Value.GetString()!;
            if (split.Length == 0) throw new SpotlightException($"{splitsFile}: image {entry.Name}: empty split name");
            if (!map.TryAdd(entry.Name, split)) throw new SpotlightException($"{splitsFile}: image {entry.Name} appears twice");
        }
        var known = order.ToHashSet(StringComparer.Ordinal);
        var extra = map.Keys.Where(k => !known.Contains(k)).ToList();
        if (extra.Count > 0) warnings.Add($"{splitsFile}: {extra.Count} id(s) not in {Path.GetFileName(file)}, first: {extra[0]}");
        var unassigned = order.FirstOrDefault(id => !map.ContainsKey(id));
        if (unassigned is not null) throw new SpotlightException($"{splitsFile}: no split for image {unassigned}");
        return id => map[id];
    }

    /// <summary>COCO ids are integers; strings are accepted too (other tools write them).</summary>
    private static string Id(JsonElement element, string name, string where, string file)
    {
        JsonFile.ExpectKind(element, JsonValueKind.Object, where, file);
        if (!element.TryGetProperty(name, out var value)) throw new SpotlightException($"{file}: {where}: missing \"{name}\"");
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n)) return n.ToString(CultureInfo.InvariantCulture);
        if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0) return value.GetString()!;
        throw new SpotlightException($"{file}: {where}.{name}: expected an integer or a non-empty string, got {value.GetRawText()}");
    }
}
