using System.Text.Json;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.IO;

namespace Spotlight.Vqa.Data;

/// <summary>
/// A VQA set on disk: a synthetic one (questions.json + objects.json + images/: the questions with their scenes, so
/// every answer and reference can be checked against the objects and attention scored against their boxes), or a
/// folder in the VQA v2 layout (<see cref="VqaV2Dataset"/>: no scenes; answers scored against the human answers).
/// </summary>
public sealed class VqaDataset
{
    private VqaDataset(string directory, IReadOnlyDictionary<string, SyntheticScene> scenes, IReadOnlyDictionary<string, string> imageFiles,
        IReadOnlyList<VqaQuestion> questions)
    {
        Directory = directory;
        Scenes = scenes;
        ImageFiles = imageFiles;
        Questions = questions;
    }

    public string Directory { get; }

    /// <summary>Every synthetic image's objects; empty for VQA v2.</summary>
    public IReadOnlyDictionary<string, SyntheticScene> Scenes { get; }
    public IReadOnlyList<VqaQuestion> Questions { get; }
    private IReadOnlyDictionary<string, string> ImageFiles { get; }

    public IReadOnlyList<VqaQuestion> Split(string split) => [.. Questions.Where(q => q.Split == split)];

    /// <summary>The same images with only the questions that match (e.g. one family).</summary>
    public VqaDataset Where(Func<VqaQuestion, bool> keep) => new(Directory, Scenes, ImageFiles, [.. Questions.Where(keep)]);

    public string ImagePath(string imageId) => ImageFiles[imageId];

    /// <summary>Where a folder is scored by default: the synthetic test split, or VQA v2's val (its test sets have no answers).</summary>
    public static string DefaultEvaluationSplit(string directory) =>
        System.IO.Directory.Exists(directory) && !File.Exists(Path.Combine(directory, VqaSynthetic.QuestionsFile))
        && VqaV2Dataset.FindSplits(directory).Count > 0 ? "val" : "test";

    /// <summary>A synthetic set (a folder with questions.json), else a folder in the VQA v2 layout.</summary>
    /// <param name="onlySplit">VQA v2: read only this split's files (its train annotations alone are ~330 MB)</param>
    public static VqaDataset Load(string directory, string? onlySplit = null)
    {
        if (!System.IO.Directory.Exists(directory)) throw new SpotlightException($"{directory}: no such directory");
        string file = Path.Combine(directory, VqaSynthetic.QuestionsFile);
        if (!File.Exists(file))
        {
            if (VqaV2Dataset.FindSplits(directory).Count > 0) return LoadVqaV2(directory, onlySplit);
            throw new SpotlightException($"{directory}: no {VqaSynthetic.QuestionsFile} (make one with `spotlight vqa synth`) and no VQA v2 files (*_questions.json with *_annotations.json)");
        }
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
        var files = scenes.ToDictionary(s => s.Key, s => Path.Combine(directory, SyntheticDataset.ImagesDir, s.Value.FileName), StringComparer.Ordinal);
        return new VqaDataset(directory, scenes, files, questions);
    }

    /// <summary>Every split of a VQA v2 folder that has annotations; the label is the annotators' most common answer.</summary>
    private static VqaDataset LoadVqaV2(string directory, string? onlySplit)
    {
        var questions = new List<VqaQuestion>();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var splits = VqaV2Dataset.FindSplits(directory);
        if (onlySplit is not null && splits.All(s => s.Split != onlySplit))
            throw new SpotlightException($"{directory}: no {onlySplit} split with annotations (splits here: {string.Join(", ", splits.Select(s => s.Split).Distinct())})");
        foreach (var split in splits.Where(s => onlySplit is null || s.Split == onlySplit))
            foreach (var q in VqaV2Dataset.Load(split.Questions, split.Annotations, split.Images))
            {
                if (q.QuestionId is < 0 or > int.MaxValue) throw new SpotlightException($"{split.Questions}: question id {q.QuestionId} is out of range");
                string image = q.ImageId.ToString(System.Globalization.CultureInfo.InvariantCulture);
                files.TryAdd(image, q.ImagePath);
                var family = q.AnswerType switch { "yes/no" => VqaFamily.YesNo, "number" => VqaFamily.Number, _ => VqaFamily.Other };
                questions.Add(new VqaQuestion((int)q.QuestionId, image, split.Split, q.Question, q.MultipleChoiceAnswer ?? VqaV2Dataset.MostCommon(q.Answers),
                    family, VqaFamilies.Name(family), [], null, q.Answers));
            }
        return new VqaDataset(directory, new Dictionary<string, SyntheticScene>(), files, questions);
    }
}
