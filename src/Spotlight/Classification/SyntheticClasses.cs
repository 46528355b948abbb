using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Vision;

namespace Spotlight.Classification;

/// <summary>
/// A classification task from the scene generator, written as an image folder: each scene (1–3 shapes, or 1 with
/// MaxObjects = 1, of any colour and size over a textured background) is labelled with the shape (or colour) of its
/// largest object, and each label has the
/// same number of scenes per split (scenes are drawn until every class is full), so chance is 1 / classes. The
/// labelled object's box goes to <c>boxes.json</c> (<see cref="LabelBoxes"/>), for the rollout pointing game.
/// </summary>
public static class SyntheticClasses
{
    /// <param name="MaxObjects">shapes per scene, 1 to this (1: one shape alone, the easy form of the task)</param>
    /// <param name="ByColour">label by the largest object's colour (<paramref name="Colours"/>) instead of its shape</param>
    public sealed record Config(int TrainPerClass = 300, int ValPerClass = 40, int TestPerClass = 80, int Size = 32, long Seed = 1,
        ShapeKind[]? Shapes = null, int MaxObjects = 3, bool ByColour = false, ObjectColour[]? Colours = null)
    {
        public ShapeKind[] ShapeLabels => Shapes ?? [ShapeKind.Circle, ShapeKind.Square, ShapeKind.Triangle, ShapeKind.Star];
        public ObjectColour[] ColourLabels => Colours ?? [ObjectColour.Red, ObjectColour.Green, ObjectColour.Blue, ObjectColour.Yellow];

        /// <summary>The class names, which are the folder names.</summary>
        public string[] Labels => ByColour ? [.. ColourLabels.Select(SceneWords.Word)] : [.. ShapeLabels.Select(SceneWords.Word)];

        public string LabelOf(SceneObject o) => ByColour ? SceneWords.Word(o.Colour) : SceneWords.Word(o.Shape);

        public void Validate()
        {
            if (TrainPerClass < 1 || ValPerClass < 1 || TestPerClass < 1) throw new SpotlightException("every split needs at least one image per class");
            if (Size is < 16 or > 512) throw new SpotlightException($"image size must be between 16 and 512, got {Size}");
            if (Labels.Length < 2 || Labels.Distinct().Count() != Labels.Length) throw new SpotlightException("at least 2 distinct shapes (or colours) are needed");
            if (MaxObjects is < 1 or > 3) throw new SpotlightException($"shapes per scene must be between 1 and 3, got {MaxObjects}");
        }
    }

    /// <summary>Writes <c>DIR/{train,val,test}/{shape}/NNNNNN.png</c>; returns the images written per split.</summary>
    public static IReadOnlyDictionary<string, int> Generate(Config config, string directory)
    {
        config.Validate();
        if (File.Exists(directory)) throw new SpotlightException($"{directory}: exists and is a file, not a directory");
        var quota = new Dictionary<string, int> { ["train"] = config.TrainPerClass, ["val"] = config.ValPerClass, ["test"] = config.TestPerClass };
        var written = quota.Keys.ToDictionary(s => s, _ => 0);
        var boxes = new SortedDictionary<string, PixelBox>(StringComparer.Ordinal);
        long draw = 0;
        foreach (var split in ImageFolderData.Splits)
        {
            var counts = config.Labels.ToDictionary(l => l, _ => 0);
            foreach (var label in config.Labels) Directory.CreateDirectory(Path.Combine(directory, split, label));
            while (counts.Values.Any(c => c < quota[split]))
            {
                var rng = SeededRandom.Derive(config.Seed, draw++);
                var (background, objects) = SceneSampler.Sample(rng, config.Size, 1, config.MaxObjects);
                var largest = objects.OrderByDescending(o => o.Box.W * o.Box.H).First();
                if (objects.Count(o => o.Box.W * o.Box.H == largest.Box.W * largest.Box.H) > 1) continue;   // no clear largest
                var label = config.LabelOf(largest);
                if (!counts.TryGetValue(label, out int have) || have >= quota[split]) continue;
                using var bitmap = SceneRenderer.Render(config.Size, background, objects, rng);
                PngFile.Save(bitmap, Path.Combine(directory, split, label, $"{draw:D6}.png"));
                boxes[$"{split}/{label}/{draw:D6}.png"] = largest.Box;
                counts[label] = have + 1;
                written[split]++;
            }
        }
        LabelBoxes.Write(directory, config.Size, boxes);
        return written;
    }
}
