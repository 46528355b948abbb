using System.Text.Json;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.IO;
using Spotlight.Vision.Encoders;
using static TorchSharp.torch;

namespace Spotlight.Classification;

/// <summary>
/// <c>boxes.json</c> beside an image folder: for each image (its path relative to the folder) the box of the object
/// its label names, in the pixels of images <c>size</c> wide and high.
/// </summary>
public static class LabelBoxes
{
    public const string FileName = "boxes.json";

    public static void Write(string directory, int size, IReadOnlyDictionary<string, PixelBox> boxes) =>
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(new
        {
            size,
            boxes = boxes.ToDictionary(b => b.Key, b => new[] { b.Value.X, b.Value.Y, b.Value.W, b.Value.H }),
        }));

    public static (int Size, IReadOnlyDictionary<string, PixelBox> Boxes) Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new SpotlightException($"{path}: not found; the pointing game needs the labelled objects' boxes (spotlight classify synth writes them)");
        using var doc = JsonFile.Parse(path);
        try
        {
            int size = doc.RootElement.GetProperty("size").GetInt32();
            var boxes = new Dictionary<string, PixelBox>(StringComparer.Ordinal);
            foreach (var entry in doc.RootElement.GetProperty("boxes").EnumerateObject())
            {
                var v = entry.Value.EnumerateArray().Select(x => x.GetInt32()).ToArray();
                if (v.Length != 4 || v[2] <= 0 || v[3] <= 0) throw new SpotlightException($"{path}: the box of {entry.Name} is not [x, y, w, h] with a positive size");
                boxes[entry.Name] = new PixelBox(v[0], v[1], v[2], v[3]);
            }
            if (size <= 0) throw new SpotlightException($"{path}: size must be positive, got {size}");
            return (size, boxes);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SpotlightException($"{path}: expected {{\"size\": N, \"boxes\": {{\"split/class/file\": [x, y, w, h], ...}}}}");
        }
    }
}

/// <summary>How often the peak of a ViT's attention rollout (the class token's) falls on the labelled object, and how often a random patch would.</summary>
public sealed record PointingScore(int Images, int Hits, double Chance)
{
    public double Accuracy => Images == 0 ? double.NaN : Hits / (double)Images;
}

/// <summary>
/// The pointing game (as <c>spotlight eval --instances</c> plays it for captions) for a ViT classifier: a hit when the
/// centre of the patch with the largest rollout weight lies inside the labelled object's box. Chance is the share of
/// patch centres inside the box, averaged over the images.
/// </summary>
public static class RolloutPointing
{
    public static PointingScore Score(ClassifierModel model, ClassifierExamples examples, string directory, int batchSize = 32)
    {
        if (model.Network.Config.Encoder != ClassifierEncoder.Vit)
            throw new SpotlightException("the rollout pointing game needs a ViT classifier (--encoder vit): other encoders have no class-token attention");
        var (size, boxes) = LabelBoxes.Read(directory);
        var grid = (IImageEncoder)model.Network.Encoder;
        int gh = grid.GridHeight, gw = grid.GridWidth;
        var rows = Enumerable.Range(0, examples.Count)
            .Select(i => (Row: i, Key: Path.GetRelativePath(directory, examples.Items[i].Path).Replace('\\', '/')))
            .Where(r => boxes.ContainsKey(r.Key)).ToList();
        if (rows.Count == 0) throw new SpotlightException($"{Path.Combine(directory, LabelBoxes.FileName)}: no box for any image of this split");
        int hits = 0;
        double chance = 0;
        foreach (var chunk in rows.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var (images, _) = examples.Batch([.. chunk.Select(r => r.Row)]);
            model.Network.eval();
            using var noGrad = no_grad();
            var (_, attention) = model.Network.ForwardWithAttention(images);
            var peaks = AttentionRollout.ClassTokenMap(attention!).argmax(1).data<long>().ToArray();
            for (int i = 0; i < chunk.Length; i++)
            {
                var box = boxes[chunk[i].Key];
                // Patch centres in the generated image's pixels (square images, resized whole).
                bool Inside(int cell) => InBox(box, (cell % gw + 0.5) * size / gw, (cell / gw + 0.5) * size / gh);
                if (Inside((int)peaks[i])) hits++;
                chance += Enumerable.Range(0, gh * gw).Count(Inside) / (double)(gh * gw);
            }
        }
        return new PointingScore(rows.Count, hits, chance / rows.Count);
    }

    private static bool InBox(PixelBox box, double x, double y) => x >= box.X && x < box.X + box.W && y >= box.Y && y < box.Y + box.H;
}
