using System.Text.Json;

namespace Spotlight.Metrics;

/// <summary>
/// Loads reference and result caption files. References: a COCO captions file (<c>images</c> + <c>annotations</c>
/// with <c>image_id</c>, <c>caption</c>) or a Karpathy split file (<c>images[]</c> with <c>sentences[].raw</c>, id
/// from <c>cocoid</c>, else <c>imgid</c>, else <c>filename</c>; optionally one split). Results: a COCO results file,
/// <c>[{"image_id", "caption"}]</c>. Structural problems are errors (SpotlightException, one line naming the file);
/// empty captions are kept, and reported by <see cref="CaptionEvaluator"/>.
/// </summary>
public static class CaptionFiles
{
    public static ReferenceCaptions LoadReferences(string path, string? karpathySplit = null)
    {
        using var doc = CaptionJson.Parse(path);
        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("annotations", out _))
        {
            if (karpathySplit != null) throw new SpotlightException($"{path}: a split was asked for, but this is a COCO captions file, which has no splits");
            return LoadCoco(root, path);
        }
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array
            && (images.GetArrayLength() == 0 || (images[0].ValueKind == JsonValueKind.Object && images[0].TryGetProperty("sentences", out _))))
            return LoadKarpathy(images, path, karpathySplit);
        throw new SpotlightException($"{path}: neither a COCO captions file (no \"annotations\") nor a Karpathy split file (no \"images[].sentences\")");
    }

    private static ReferenceCaptions LoadCoco(JsonElement root, string path)
    {
        var order = new List<string>();
        var captions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var declared = root.TryGetProperty("images", out var images);
        if (declared)
        {
            if (images.ValueKind != JsonValueKind.Array) throw new SpotlightException($"{path}: \"images\" is not an array");
            var index = 0;
            foreach (var image in images.EnumerateArray())
            {
                CaptionJson.ExpectObject(image, path, $"images[{index}]");
                var id = CaptionJson.Id(image, "id", path, $"images[{index}]");
                if (!captions.TryAdd(id, [])) throw new SpotlightException($"{path}: images[{index}] repeats image id {id}");
                order.Add(id);
                index++;
            }
        }
        var annotations = CaptionJson.Array(root, "annotations", path, "the file");
        var n = 0;
        foreach (var annotation in annotations.EnumerateArray())
        {
            var where = $"annotations[{n++}]";
            CaptionJson.ExpectObject(annotation, path, where);
            var id = CaptionJson.Id(annotation, "image_id", path, where);
            var caption = CaptionJson.String(annotation, "caption", path, where);
            if (!captions.TryGetValue(id, out var list))
            {
                if (declared) throw new SpotlightException($"{path}: {where} refers to image_id {id}, which is not in \"images\"");
                captions[id] = list = [];
                order.Add(id);
            }
            list.Add(caption);
        }
        return ReferenceCaptions.From(path, order.Select(id => (id, (IReadOnlyList<string>)captions[id])));
    }

    private static ReferenceCaptions LoadKarpathy(JsonElement images, string path, string? split)
    {
        var result = new List<(string, IReadOnlyList<string>)>();
        var index = 0;
        foreach (var image in images.EnumerateArray())
        {
            var where = $"images[{index++}]";
            CaptionJson.ExpectObject(image, path, where);
            if (split != null && !(image.TryGetProperty("split", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == split))
                continue;
            var idProperty = image.TryGetProperty("cocoid", out _) ? "cocoid" : image.TryGetProperty("imgid", out _) ? "imgid" : "filename";
            var id = CaptionJson.Id(image, idProperty, path, where);
            var sentences = new List<string>();
            var k = 0;
            foreach (var sentence in CaptionJson.Array(image, "sentences", path, where).EnumerateArray())
            {
                var swhere = $"{where}.sentences[{k++}]";
                CaptionJson.ExpectObject(sentence, path, swhere);
                sentences.Add(sentence.TryGetProperty("raw", out _)
                    ? CaptionJson.String(sentence, "raw", path, swhere)
                    : string.Join(' ', CaptionJson.Array(sentence, "tokens", path, swhere).EnumerateArray().Select((t, j) =>
                        t.ValueKind == JsonValueKind.String ? t.GetString()! : throw new SpotlightException($"{path}: {swhere}.tokens[{j}] is not a string"))));
            }
            result.Add((id, sentences));
        }
        if (split != null && result.Count == 0) throw new SpotlightException($"{path}: no image has split \"{split}\"");
        return ReferenceCaptions.From(path, result);
    }

    public static CandidateCaptions LoadResults(string path)
    {
        using var doc = CaptionJson.Parse(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
            throw new SpotlightException($"{path}: expected a COCO results array [{{\"image_id\": ..., \"caption\": ...}}, ...]");
        var captions = new List<(string, string)>();
        var firstAt = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var entry in root.EnumerateArray())
        {
            var where = $"[{index}]";
            CaptionJson.ExpectObject(entry, path, where);
            var id = CaptionJson.Id(entry, "image_id", path, where);
            var caption = CaptionJson.String(entry, "caption", path, where);
            if (!firstAt.TryAdd(id, index))
                throw new SpotlightException($"{path}: image_id {id} has more than one caption (entries [{firstAt[id]}] and [{index}]); COCO scoring takes exactly one per image");
            captions.Add((id, caption));
            index++;
        }
        return new CandidateCaptions(path, captions);
    }
}
