using System.Text.Json;
using Spotlight.Vision;

namespace Spotlight.Captioning;

/// <summary>A photo with labelled boxes (COCO instances format), in the photo's own pixels.</summary>
public sealed record BoxedPhoto(string Path, int Width, int Height, IReadOnlyList<GroundTruthObject> Boxes);

/// <summary>Pointing accuracy of one category (or all: <paramref name="Category"/> "all").</summary>
/// <param name="Words">generated words naming the category on photos that have a box of it</param>
/// <param name="Chance">mean fraction of the attention grid that such boxes cover: a uniformly random peak's hit rate</param>
/// <param name="Absent">generated words naming the category on photos that have none (named but not there)</param>
public sealed record PointingScore(string Category, int Words, int Hits, double Chance, int Absent)
{
    public double Accuracy => Words == 0 ? double.NaN : Hits / (double)Words;
}

/// <summary>
/// The pointing game on real photos: for every generated word that names a COCO category (through a small synonym
/// table: man/woman/boy/girl/child/people … → person, puppy → dog, bike → bicycle, …), does the peak of the word's
/// attention map fall on a grid cell that overlaps a box of that category? Boxes are carried through the model's own
/// preprocessing (resize, centre crop or stretch) into the attention grid. Words whose category has no box in the
/// photo are counted apart (<see cref="PointingScore.Absent"/>): they measure naming, not looking.
/// </summary>
public static class PointingGame
{
    /// <summary>Caption words → COCO category names. Plurals are listed; a word not here names no category.</summary>
    public static readonly IReadOnlyDictionary<string, string> Synonyms = Build(new Dictionary<string, string[]>
    {
        ["person"] = ["person", "people", "man", "men", "woman", "women", "boy", "boys", "girl", "girls", "child", "children", "kid",
            "kids", "baby", "player", "players", "guy", "lady", "ladies", "skier", "surfer", "skateboarder", "biker", "rider", "toddler", "persons"],
        ["dog"] = ["dog", "dogs", "puppy", "puppies"],
        ["cat"] = ["cat", "cats", "kitten"],
        ["bicycle"] = ["bicycle", "bicycles", "bike", "bikes"],
        ["motorcycle"] = ["motorcycle", "motorcycles", "motorbike", "motorbikes"],
        ["car"] = ["car", "cars"],
        ["bus"] = ["bus", "buses"],
        ["truck"] = ["truck", "trucks"],
        ["train"] = ["train", "trains"],
        ["boat"] = ["boat", "boats", "canoe", "kayak"],
        ["airplane"] = ["airplane", "airplanes", "plane", "planes", "jet"],
        ["horse"] = ["horse", "horses"],
        ["sheep"] = ["sheep"],
        ["cow"] = ["cow", "cows"],
        ["bird"] = ["bird", "birds"],
        ["elephant"] = ["elephant", "elephants"],
        ["bear"] = ["bear", "bears"],
        ["zebra"] = ["zebra", "zebras"],
        ["giraffe"] = ["giraffe", "giraffes"],
        ["sports ball"] = ["ball", "balls", "football", "soccer", "basketball", "volleyball"],
        ["frisbee"] = ["frisbee"],
        ["kite"] = ["kite", "kites"],
        ["skateboard"] = ["skateboard"],
        ["surfboard"] = ["surfboard"],
        ["skis"] = ["skis", "ski"],
        ["snowboard"] = ["snowboard"],
        ["umbrella"] = ["umbrella", "umbrellas"],
        ["bench"] = ["bench", "benches"],
        ["chair"] = ["chair", "chairs"],
        ["couch"] = ["couch", "sofa"],
        ["bed"] = ["bed"],
        ["dining table"] = ["table", "tables"],
        ["tv"] = ["tv", "television"],
        ["laptop"] = ["laptop", "computer"],
        ["cell phone"] = ["phone", "cellphone"],
        ["book"] = ["book", "books"],
        ["clock"] = ["clock"],
        ["pizza"] = ["pizza"],
        ["cake"] = ["cake"],
        ["bottle"] = ["bottle", "bottles"],
        ["cup"] = ["cup", "cups", "mug"],
        ["backpack"] = ["backpack"],
        ["handbag"] = ["handbag", "purse", "bag"],
        ["tennis racket"] = ["racket", "racquet"],
        ["baseball bat"] = ["bat"],
    });

    private static Dictionary<string, string> Build(Dictionary<string, string[]> byCategory)
    {
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (category, synonyms) in byCategory)
            foreach (var word in synonyms) words.Add(word, category);
        return words;
    }

    public static string? CategoryOf(string word) => Synonyms.GetValueOrDefault(word);

    /// <summary>Reads COCO instances JSON: images (file_name, width, height), annotations (bbox, category_id), categories.</summary>
    public static IReadOnlyList<BoxedPhoto> LoadInstances(string instancesPath, string imagesDir)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(instancesPath));
            var root = document.RootElement;
            var categories = root.GetProperty("categories").EnumerateArray()
                .ToDictionary(c => c.GetProperty("id").GetInt64(), c => c.GetProperty("name").GetString()!);
            var boxes = new Dictionary<long, List<GroundTruthObject>>();
            foreach (var a in root.GetProperty("annotations").EnumerateArray())
            {
                var box = a.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                if (box.Length != 4) throw new SpotlightException($"{instancesPath}: annotation {a.GetProperty("id")} has a bbox of {box.Length} numbers, not 4");
                long category = a.GetProperty("category_id").GetInt64();
                if (!categories.TryGetValue(category, out var name))
                    throw new SpotlightException($"{instancesPath}: annotation {a.GetProperty("id")} names category {category}, which is not in 'categories'");
                long image = a.GetProperty("image_id").GetInt64();
                if (!boxes.TryGetValue(image, out var list)) boxes[image] = list = [];
                list.Add(new GroundTruthObject(name, box[0], box[1], box[2], box[3]));
            }
            return [.. root.GetProperty("images").EnumerateArray().Select(i => new BoxedPhoto(
                Path.Combine(imagesDir, i.GetProperty("file_name").GetString()!), i.GetProperty("width").GetInt32(),
                i.GetProperty("height").GetInt32(), boxes.GetValueOrDefault(i.GetProperty("id").GetInt64()) ?? []))];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SpotlightException($"{instancesPath}: not a COCO instances file ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>
    /// A photo's boxes in the model's input square (Size×Size after the preprocessing's resize and crop), clipped to
    /// it; boxes cut away entirely are dropped.
    /// </summary>
    public static IReadOnlyList<GroundTruthObject> ToInput(BoxedPhoto photo, ImagePreprocessing preprocessing)
    {
        double size = preprocessing.Size;
        double sx, sy, ox = 0, oy = 0;
        if (preprocessing.Resize == ResizePolicy.Stretch) (sx, sy) = (size / photo.Width, size / photo.Height);
        else
        {
            sx = sy = size / Math.Min(photo.Width, photo.Height);
            (ox, oy) = ((photo.Width * sx - size) / 2, (photo.Height * sy - size) / 2);
        }
        var result = new List<GroundTruthObject>();
        foreach (var b in photo.Boxes)
        {
            double x0 = Math.Clamp(b.X * sx - ox, 0, size), x1 = Math.Clamp((b.X + b.Width) * sx - ox, 0, size);
            double y0 = Math.Clamp(b.Y * sy - oy, 0, size), y1 = Math.Clamp((b.Y + b.Height) * sy - oy, 0, size);
            if (x1 > x0 && y1 > y0) result.Add(b with { X = x0, Y = y0, Width = x1 - x0, Height = y1 - y0 });
        }
        return result;
    }

    /// <summary>Scores captions with their attention: per category (sorted by words) and overall (first).</summary>
    public static IReadOnlyList<PointingScore> Score(
        IEnumerable<(IReadOnlyList<string> Words, AttentionMaps Maps, IReadOnlyList<GroundTruthObject> Boxes, int Size)> captions)
    {
        var tally = new Dictionary<string, (int Words, int Hits, double Chance, int Absent)>(StringComparer.Ordinal);
        foreach (var (words, maps, boxes, size) in captions)
        {
            for (int t = 0; t < words.Count && t < maps.Weights.Length; t++)
            {
                if (CategoryOf(words[t]) is not string category) continue;
                var mine = boxes.Where(b => b.Shape == category).ToList();
                var s = tally.GetValueOrDefault(category);
                if (mine.Count == 0) { tally[category] = s with { Absent = s.Absent + 1 }; continue; }
                var covered = AttentionGrounding.CoveredRegions(mine, maps.GridHeight, maps.GridWidth, size, size);
                float[] w = maps.Weights[t];
                int peak = Array.IndexOf(w, w.Max());
                tally[category] = (s.Words + 1, s.Hits + (covered[peak] ? 1 : 0), s.Chance + covered.Count(c => c) / (double)covered.Length, s.Absent);
            }
        }
        var rows = tally.Select(p => new PointingScore(p.Key, p.Value.Words, p.Value.Hits, p.Value.Words == 0 ? double.NaN : p.Value.Chance / p.Value.Words, p.Value.Absent))
            .OrderByDescending(r => r.Words).ThenBy(r => r.Category, StringComparer.Ordinal).ToList();
        int all = rows.Sum(r => r.Words);
        double chance = all == 0 ? double.NaN : tally.Values.Sum(v => v.Chance) / all;
        return [new PointingScore("all", all, rows.Sum(r => r.Hits), chance, rows.Sum(r => r.Absent)), .. rows];
    }

    /// <summary>Captions the photos with the model (batched beam search) and plays the game.</summary>
    public static IReadOnlyList<PointingScore> Run(CaptionModel model, IReadOnlyList<BoxedPhoto> photos, CaptionOptions options) =>
        RunWithLayers(model, photos, options)[0].Scores;

    /// <summary>
    /// The game with the captions' maps ("average": what decoding returns) and, for a Transformer, with each decoder
    /// layer's cross-attention averaged over its heads ("layer 1" …, for the same captions): where in the stack the
    /// attention points at what a word names.
    /// </summary>
    public static IReadOnlyList<(string Maps, IReadOnlyList<PointingScore> Scores)> RunWithLayers(CaptionModel model, IReadOnlyList<BoxedPhoto> photos, CaptionOptions options)
    {
        var results = model.CaptionFiles([.. photos.Select(p => p.Path)], options);
        int size = model.Preprocessing.Size;
        var boxes = photos.Select(p => ToInput(p, model.Preprocessing)).ToList();
        var runs = new List<(string, IReadOnlyList<PointingScore>)> { ("average", Score(photos.Select((p, i) => (results[i].Tokens, results[i].Attention, boxes[i], size)))) };
        if (model.Config.Cell != DecoderCellKind.Transformer) return runs;
        var layerMaps = photos.Select((p, i) => model.LayerMaps(p.Path, results[i])!).ToList();   // [photo][layer][head][word][region]
        for (int layer = 0; layer < model.Config.TransformerSizes.Layers; layer++)
        {
            int l = layer;
            runs.Add(($"layer {layer + 1}", Score(photos.Select((p, i) => (results[i].Tokens, HeadAverage(layerMaps[i][l], results[i].Attention), boxes[i], size)))));
        }
        return runs;
    }

    // [head][word][region] → one map per word, the heads' mean, on the caption's grid.
    private static AttentionMaps HeadAverage(float[][][] heads, AttentionMaps like) =>
        new(like.GridHeight, like.GridWidth, [.. Enumerable.Range(0, heads[0].Length).Select(t =>
            Enumerable.Range(0, heads[0][t].Length).Select(r => heads.Average(h => h[t][r])).Select(v => (float)v).ToArray())]);
}
