using Spotlight.IO;
using System.Text.Json;

namespace Spotlight.Captioning.Data.Synthetic;

/// <summary>
/// objects.json: the ground truth behind every synthetic image (shape, colour, size class and pixel box of each
/// object, and the background kind), for checking captions and scoring where attention looks.
/// </summary>
public static class SyntheticObjects
{
    private const string FormatName = "spotlight-synthetic-objects";

    /// <summary>Reads objects.json from a data-set directory (or the file itself); keyed by image id.</summary>
    public static IReadOnlyDictionary<string, SyntheticScene> Load(string dirOrFile)
    {
        string file = Directory.Exists(dirOrFile) ? Path.Combine(dirOrFile, SyntheticDataset.ObjectsFile) : dirOrFile;
        using var doc = JsonFile.Parse(file);
        var root = doc.RootElement;
        if (JsonFile.String(root, "format", "root", file) != FormatName)
            throw new SpotlightException($"{file}: not a {FormatName} file");
        var scenes = new Dictionary<string, SyntheticScene>(StringComparer.Ordinal);
        int i = 0;
        foreach (var image in JsonFile.Array(root, "images", "root", file).EnumerateArray())
        {
            string where = $"images[{i++}]";
            string id = JsonFile.Integer(image, "image_id", where, file).ToString(System.Globalization.CultureInfo.InvariantCulture);
            where = $"image {id}";
            var objects = new List<SceneObject>();
            int k = 0;
            foreach (var o in JsonFile.Array(image, "objects", where, file).EnumerateArray())
            {
                string at = $"{where} objects[{k++}]";
                var box = JsonFile.Array(o, "box", at, file);
                if (box.GetArrayLength() != 4 || box.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out _)))
                    throw new SpotlightException($"{file}: {at}.box: expected [x, y, w, h] in whole pixels");
                var b = box.EnumerateArray().Select(v => v.GetInt32()).ToArray();
                objects.Add(new SceneObject(
                    ParseEnum<ShapeKind>(JsonFile.String(o, "shape", at, file), $"{at}.shape", file),
                    ParseEnum<ObjectColour>(JsonFile.String(o, "colour", at, file), $"{at}.colour", file),
                    ParseEnum<SizeClass>(JsonFile.String(o, "size", at, file), $"{at}.size", file),
                    new PixelBox(b[0], b[1], b[2], b[3])));
            }
            var scene = new SyntheticScene(id, JsonFile.String(image, "file_name", where, file),
                (int)JsonFile.Integer(image, "width", where, file), (int)JsonFile.Integer(image, "height", where, file),
                ParseEnum<BackgroundKind>(JsonFile.String(image, "background", where, file), $"{where}.background", file), objects);
            if (!scenes.TryAdd(id, scene)) throw new SpotlightException($"{file}: image id {id} appears twice");
        }
        return scenes;
    }

    internal static void Write(Utf8JsonWriter w, IEnumerable<SyntheticScene> scenes)
    {
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", 1);
        w.WriteString("box_format", "[x, y, w, h] in pixels, x right and y down from the top-left corner");
        w.WriteStartArray("images");
        foreach (var s in scenes)
        {
            w.WriteStartObject();
            w.WriteNumber("image_id", long.Parse(s.ImageId, System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("file_name", s.FileName);
            w.WriteNumber("width", s.Width);
            w.WriteNumber("height", s.Height);
            w.WriteString("background", SceneWords.Word(s.Background));
            w.WriteStartArray("objects");
            foreach (var o in s.Objects)
            {
                w.WriteStartObject();
                w.WriteString("shape", SceneWords.Word(o.Shape));
                w.WriteString("colour", SceneWords.Word(o.Colour));
                w.WriteString("size", SceneWords.Word(o.Size));
                w.WriteStartArray("box");
                w.WriteNumberValue(o.Box.X);
                w.WriteNumberValue(o.Box.Y);
                w.WriteNumberValue(o.Box.W);
                w.WriteNumberValue(o.Box.H);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static T ParseEnum<T>(string text, string where, string file) where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
            if (string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase)) return value;
        throw new SpotlightException($"{file}: {where}: unknown value \"{text}\" (expected {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))})");
    }
}
