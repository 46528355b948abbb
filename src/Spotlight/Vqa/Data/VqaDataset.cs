using System.Text.Json;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.IO;

namespace Spotlight.Vqa.Data;

/// <summary>
/// A synthetic VQA set on disk (questions.json + objects.json + images/): the questions with their scenes, so every
/// answer and reference can be checked against the objects and attention scored against their boxes.
/// </summary>
public sealed class VqaDataset
{
    private VqaDataset(string directory, IReadOnlyDictionary<string, SyntheticScene> scenes, IReadOnlyList<VqaQuestion> questions)
    {
        Directory = directory;
        Scenes = scenes;
        Questions = questions;
    }

    public string Directory { get; }
    public IReadOnlyDictionary<string, SyntheticScene> Scenes { get; }
    public IReadOnlyList<VqaQuestion> Questions { get; }

    public IReadOnlyList<VqaQuestion> Split(string split) => [.. Questions.Where(q => q.Split == split)];

    /// <summary>The same scenes with only the questions that match (e.g. one family).</summary>
    public VqaDataset Where(Func<VqaQuestion, bool> keep) => new(Directory, Scenes, [.. Questions.Where(keep)]);

    public string ImagePath(string imageId) => Path.Combine(Directory, SyntheticDataset.ImagesDir, Scenes[imageId].FileName);

    public static VqaDataset Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) throw new SpotlightException($"{directory}: no such directory");
        string file = Path.Combine(directory, VqaSynthetic.QuestionsFile);
        if (!File.Exists(file)) throw new SpotlightException($"{directory}: no {VqaSynthetic.QuestionsFile} (make one with `spotlight vqa synth`)");
        var scenes = SyntheticObjects.Load(directory);
        using var doc = JsonFile.Parse(file);
        var root = doc.RootElement;
        if (JsonFile.String(root, "format", "root", file) != VqaSynthetic.FormatName)
            throw new SpotlightException($"{file}: not a {VqaSynthetic.FormatName} file");
        var questions = new List<VqaQuestion>();
        int k = 0;
        foreach (var q in JsonFile.Array(root, "questions", "root", file).EnumerateArray())
        {
            string where = $"questions[{k++}]";
            string image = JsonFile.Integer(q, "image_id", where, file).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!scenes.TryGetValue(image, out var scene)) throw new SpotlightException($"{file}: {where}: image {image} is not in objects.json");
            string familyName = JsonFile.String(q, "family", where, file);
            var family = VqaFamilies.Parse(familyName) ?? throw new SpotlightException($"{file}: {where}: unknown family \"{familyName}\"");
            var refs = JsonFile.Array(q, "refs", where, file).EnumerateArray().Select(r => r.GetInt32()).ToArray();
            int? target = q.TryGetProperty("target", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : null;
            if (refs.Append(target ?? 0).Any(r => r < 0 || r >= scene.Objects.Count))
                throw new SpotlightException($"{file}: {where}: an object index is outside image {image}'s {scene.Objects.Count} objects");
            questions.Add(new VqaQuestion((int)JsonFile.Integer(q, "id", where, file), image, JsonFile.String(q, "split", where, file),
                JsonFile.String(q, "question", where, file), JsonFile.String(q, "answer", where, file), family,
                JsonFile.String(q, "template", where, file), refs, target));
        }
        return new VqaDataset(directory, scenes, questions);
    }
}
