using System.Text;
using System.Text.Json;
using Spotlight.IO;

namespace Spotlight.Captioning.Data;

/// <summary>
/// Karpathy's split files (<c>dataset_coco.json</c>, <c>dataset_flickr8k.json</c>, <c>dataset_flickr30k.json</c>):
/// <c>images[]</c> with <c>filename</c>, optional <c>filepath</c> (COCO's train2014/val2014), <c>split</c>
/// (train/val/test/restval) and <c>sentences[]</c> with <c>raw</c> and <c>tokens</c>. "restval" joins "train", as in
/// Karpathy's and most later work. Images are looked up under --images (default: an <c>images/</c> folder beside the
/// file, else the file's folder) at <c>filepath/filename</c>.
/// </summary>
/// <remarks>Missing image files and sentences without text are skipped with a warning; a duplicate image id or a
/// malformed entry stops loading with the file and entry.</remarks>
public sealed class KarpathySplitFormat : ICaptionDatasetFormat
{
    public string Name => "Karpathy split JSON";

    public bool Recognises(string path)
    {
        if (!File.Exists(path) || !path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return false;
        // Cheap: the first few kilobytes of these files always show a "sentences" array.
        using var stream = File.OpenRead(path);
        var buffer = new byte[8192];
        int read = stream.Read(buffer);
        return Encoding.UTF8.GetString(buffer, 0, read).Contains("\"sentences\"", StringComparison.Ordinal);
    }

    public CaptionDataset Read(string path, string? imageRoot)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        imageRoot ??= Directory.Exists(Path.Combine(dir, "images")) ? Path.Combine(dir, "images") : dir;
        var warnings = new List<string>();
        using var doc = JsonFile.Parse(path);
        JsonFile.ExpectKind(doc.RootElement, JsonValueKind.Object, "root", path);
        var images = new List<CaptionImage>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int index = 0, missing = 0, emptySentences = 0;
        foreach (var image in JsonFile.Array(doc.RootElement, "images", "root", path).EnumerateArray())
        {
            string where = $"images[{index++}]";
            JsonFile.ExpectKind(image, JsonValueKind.Object, where, path);
            string file = JsonFile.String(image, "filename", where, path);
            string folder = image.TryGetProperty("filepath", out var fp) && fp.ValueKind == JsonValueKind.String ? fp.GetString()! : "";
            string split = JsonFile.String(image, "split", where, path) switch
            {
                "restval" => "train",
                "" => throw new SpotlightException($"{path}: {where} ({file}): empty split"),
                var s => s,
            };
            string id = image.TryGetProperty("cocoid", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetRawText()
                : image.TryGetProperty("imgid", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetRawText() : file;
            if (!ids.Add(id)) throw new SpotlightException($"{path}: {where} ({file}): image id {id} appears twice");
            var full = Path.Combine(imageRoot, folder, file);
            if (!File.Exists(full))
            {
                if (++missing <= 3) warnings.Add($"{path}: {where}: {Path.Combine(folder, file)} not found under {imageRoot}, skipped");
                continue;
            }
            var captions = new List<string>();
            foreach (var sentence in JsonFile.Array(image, "sentences", where, path).EnumerateArray())
            {
                var text = Text(sentence);
                if (text.Length == 0) { emptySentences++; continue; }
                captions.Add(text);
            }
            if (captions.Count == 0) { warnings.Add($"{path}: {where} ({file}): no captions, skipped"); continue; }
            images.Add(new CaptionImage(id, full, captions, split));
        }
        if (missing > 3) warnings.Add($"{path}: {missing} image files not found in all, skipped");
        if (emptySentences > 0) warnings.Add($"{path}: {emptySentences} empty sentences skipped");
        if (images.Count == 0) throw new SpotlightException($"{path}: no images found under {imageRoot} (give the image folder with --images)");
        return new CaptionDataset(images, path, warnings);
    }

    private static string Text(JsonElement sentence)
    {
        if (sentence.ValueKind != JsonValueKind.Object) return "";
        if (sentence.TryGetProperty("raw", out var raw) && raw.ValueKind == JsonValueKind.String && raw.GetString()!.Trim().Length > 0)
            return raw.GetString()!.Trim();
        if (sentence.TryGetProperty("tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Array)
            return string.Join(' ', tokens.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()));
        return "";
    }
}
