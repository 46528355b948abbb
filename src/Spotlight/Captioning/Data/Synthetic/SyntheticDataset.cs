using Spotlight.IO;
using System.Text.Json;
using Spotlight.Vision;

namespace Spotlight.Captioning.Data.Synthetic;

/// <summary>What <see cref="SyntheticDataset.Generate"/> wrote.</summary>
public sealed record SynthSummary(string Directory, int Images, int Captions, IReadOnlyDictionary<string, int> ImagesPerSplit);

/// <summary>
/// Generates the synthetic captioning set: images/NNNNNN.png, captions.json (COCO captions format), splits.json
/// (image id → train/val/test) and objects.json (every object's box, shape, colour and size). Image i is drawn from
/// its own generator derived from (seed, i), so images are made in parallel and the files are byte-identical for a
/// given seed whatever the thread timing. See docs/data.md.
/// </summary>
public static partial class SyntheticDataset
{
    public const string CaptionsFile = "captions.json", SplitsFile = "splits.json", ObjectsFile = "objects.json", ImagesDir = "images";

    public static SynthSummary Generate(SynthConfig config, string outDir, bool overwrite = false, IProgress<int>? progress = null)
    {
        config.Validate();
        if (File.Exists(outDir)) throw new SpotlightException($"{outDir}: exists and is a file, not a directory");
        if (!overwrite && File.Exists(Path.Combine(outDir, CaptionsFile)))
            throw new SpotlightException($"{outDir}: already holds a data set ({CaptionsFile}); pass --overwrite to replace it");
        var imagesDir = Path.Combine(outDir, ImagesDir);
        Directory.CreateDirectory(imagesDir);
        // Remove the old captions first: until the new ones are written, the directory must not load.
        File.Delete(Path.Combine(outDir, CaptionsFile));
        // Images of an earlier, larger set would otherwise linger beside the new ones.
        foreach (var old in Directory.EnumerateFiles(imagesDir, "*.png").Where(f => GeneratedName().IsMatch(Path.GetFileName(f))))
            File.Delete(old);

        var scenes = new SyntheticScene[config.Total];
        var captions = new string[config.Total][];
        int done = 0;
        Parallel.For(0, config.Total, i =>
        {
            var rng = SeededRandom.Derive(config.Seed, i);
            string id = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var (background, objects) = SceneSampler.Sample(rng, config.Size);
            var scene = new SyntheticScene(id, $"{i + 1:D6}.png", config.Size, config.Size, background.Kind, objects);
            using (var bitmap = SceneRenderer.Render(config.Size, background, objects, rng))
                PngFile.Save(bitmap, Path.Combine(outDir, ImagesDir, scene.FileName));
            captions[i] = CaptionGrammar.Captions(scene, rng, SynthConfig.CaptionsPerImage);
            scenes[i] = scene;
            progress?.Report(Interlocked.Increment(ref done));
        });

        var splits = Enumerable.Range(0, config.Total).Select(i => SplitOf(config, i)).ToArray();
        WriteJson(Path.Combine(outDir, SplitsFile), w =>
        {
            w.WriteStartObject();
            for (int i = 0; i < scenes.Length; i++) w.WriteString(scenes[i].ImageId, splits[i]);
            w.WriteEndObject();
        });
        WriteJson(Path.Combine(outDir, ObjectsFile), w => SyntheticObjects.Write(w, scenes));
        // Last: the loader looks for captions.json, so an interrupted run leaves nothing that loads.
        WriteJson(Path.Combine(outDir, CaptionsFile), w => WriteCaptions(w, config, scenes, captions));

        var perSplit = splits.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        return new SynthSummary(outDir, config.Total, config.Total * SynthConfig.CaptionsPerImage, perSplit);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]{6}\.png$")]
    private static partial System.Text.RegularExpressions.Regex GeneratedName();

    private static string SplitOf(SynthConfig config, int index) =>
        index < config.Train ? "train" : index < config.Train + config.Val ? "val" : "test";

    private static void WriteCaptions(Utf8JsonWriter w, SynthConfig config, SyntheticScene[] scenes, string[][] captions)
    {
        w.WriteStartObject();
        w.WriteStartObject("info");
        w.WriteString("description", "Spotlight synthetic shapes: 1-3 coloured shapes per image, five true captions each");
        w.WriteString("generator", "spotlight data synth");
        w.WriteNumber("version", 1);
        w.WriteNumber("seed", config.Seed);
        w.WriteNumber("size", config.Size);
        w.WriteEndObject();
        w.WriteStartArray("images");
        foreach (var s in scenes)
        {
            w.WriteStartObject();
            w.WriteNumber("id", int.Parse(s.ImageId, System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("file_name", s.FileName);
            w.WriteNumber("width", s.Width);
            w.WriteNumber("height", s.Height);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("annotations");
        for (int i = 0; i < scenes.Length; i++)
        {
            for (int k = 0; k < captions[i].Length; k++)
            {
                w.WriteStartObject();
                w.WriteNumber("id", i * SynthConfig.CaptionsPerImage + k + 1);
                w.WriteNumber("image_id", i + 1);
                w.WriteString("caption", captions[i][k]);
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static void WriteJson(string path, Action<Utf8JsonWriter> write) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            write(writer);
        });
}
