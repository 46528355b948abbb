using System.Globalization;
using Spotlight.IO;

namespace Spotlight.Vqa.Data;

/// <summary>One VQA v2 question with its image file and the human answers (ten in the official sets).</summary>
public sealed record VqaV2Question(long QuestionId, long ImageId, string Question, string ImagePath, IReadOnlyList<string> Answers,
    string? AnswerType, string? MultipleChoiceAnswer);

/// <summary>
/// Reads the VQA v2 format: a questions JSON (<c>{"questions": [{"question_id", "image_id", "question"}]}</c>), an
/// annotations JSON (<c>{"annotations": [{"question_id", "answers": [{"answer"}], "answer_type", "multiple_choice_answer"}]}</c>)
/// and an image folder where image <c>N</c> is the file whose name ends in <c>N</c> zero-padded to 12 digits
/// (<c>COCO_val2014_000000000042.jpg</c>). Scored with <see cref="VqaV2Accuracy"/>.
/// </summary>
public static class VqaV2Dataset
{
    /// <summary>One split of a VQA v2 folder: its questions file, annotations file and image folder.</summary>
    public sealed record SplitFiles(string Split, string Questions, string Annotations, string Images);

    /// <summary>
    /// The splits of a folder in the official layout: <c>v2_OpenEnded_mscoco_train2014_questions.json</c> with
    /// <c>v2_mscoco_train2014_annotations.json</c> and the images in <c>train2014/</c>; the split is the part before the
    /// questions suffix (<c>train2014</c> → train, <c>val2014</c> → val, <c>test…</c> → test). Questions without an
    /// annotations file (the test sets) are left out: they cannot be scored.
    /// </summary>
    public static IReadOnlyList<SplitFiles> FindSplits(string directory)
    {
        var splits = new List<SplitFiles>();
        // VQA v1's files (OpenEnded_…, MultipleChoice_…, mscoco_…_annotations.json) share the folder layout: when v2's
        // are there, only they count, so one split never pairs v2 questions with v1 answers or appears twice.
        var all = Directory.EnumerateFiles(directory, "*_questions.json").Order(StringComparer.Ordinal).ToList();
        bool v2 = all.Any(f => Path.GetFileName(f).StartsWith("v2_", StringComparison.Ordinal));
        foreach (var questions in all.Where(f => !v2 || Path.GetFileName(f).StartsWith("v2_", StringComparison.Ordinal)))
        {
            var stem = Path.GetFileName(questions)[..^"_questions.json".Length];
            var key = stem[(stem.LastIndexOf('_') + 1)..];
            var annotations = Directory.EnumerateFiles(directory, $"*_{key}_annotations.json").Concat(Directory.EnumerateFiles(directory, $"{key}_annotations.json"))
                .Order(StringComparer.Ordinal).OrderByDescending(f => v2 && Path.GetFileName(f).StartsWith("v2_", StringComparison.Ordinal)).FirstOrDefault();
            if (annotations is null) continue;
            string split = key.StartsWith("train", StringComparison.Ordinal) ? "train"
                : key.StartsWith("val", StringComparison.Ordinal) ? "val"
                : key.StartsWith("test", StringComparison.Ordinal) ? "test"
                : throw new SpotlightException($"{questions}: cannot tell the split from \"{key}\" (expected a name like v2_OpenEnded_mscoco_train2014_questions.json)");
            splits.Add(new SplitFiles(split, questions, annotations, Path.Combine(directory, key)));
        }
        return splits;
    }

    /// <summary>The answer most annotators gave (the first of those on a tie), when a file has no multiple_choice_answer.</summary>
    public static string MostCommon(IReadOnlyList<string> answers) =>
        answers.GroupBy(a => a).MaxBy(g => g.Count())!.Key;   // groups come in order of first appearance; MaxBy keeps the first

    public static IReadOnlyList<VqaV2Question> Load(string questionsFile, string annotationsFile, string imagesDir)
    {
        if (!Directory.Exists(imagesDir)) throw new SpotlightException($"{imagesDir}: no such image folder");
        var images = new Dictionary<long, string>();
        foreach (var file in Directory.EnumerateFiles(imagesDir))
        {
            var stem = Path.GetFileNameWithoutExtension(file);
            int underscore = stem.LastIndexOf('_');
            if (long.TryParse(underscore >= 0 ? stem[(underscore + 1)..] : stem, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                images.TryAdd(id, file);
        }
        var answers = new Dictionary<long, (List<string> Answers, string? Type, string? Choice)>();
        using (var doc = JsonFile.Parse(annotationsFile))
        {
            int k = 0;
            foreach (var a in JsonFile.Array(doc.RootElement, "annotations", "root", annotationsFile).EnumerateArray())
            {
                string where = $"annotations[{k++}]";
                long id = JsonFile.Integer(a, "question_id", where, annotationsFile);
                var list = JsonFile.Array(a, "answers", where, annotationsFile).EnumerateArray()
                    .Select((x, i) => JsonFile.String(x, "answer", $"{where}.answers[{i}]", annotationsFile)).ToList();
                if (list.Count < 2) throw new SpotlightException($"{annotationsFile}: {where}: needs at least two human answers, has {list.Count}");
                string? Optional(string name) => a.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
                if (!answers.TryAdd(id, (list, Optional("answer_type"), Optional("multiple_choice_answer"))))
                    throw new SpotlightException($"{annotationsFile}: question {id} is annotated twice");
            }
        }
        var result = new List<VqaV2Question>();
        using (var doc = JsonFile.Parse(questionsFile))
        {
            int k = 0;
            foreach (var q in JsonFile.Array(doc.RootElement, "questions", "root", questionsFile).EnumerateArray())
            {
                string where = $"questions[{k++}]";
                long id = JsonFile.Integer(q, "question_id", where, questionsFile), image = JsonFile.Integer(q, "image_id", where, questionsFile);
                if (!answers.TryGetValue(id, out var a)) throw new SpotlightException($"{annotationsFile}: question {id} has no annotation");
                if (!images.TryGetValue(image, out var path)) throw new SpotlightException($"{imagesDir}: no image file for image {image} (question {id})");
                result.Add(new VqaV2Question(id, image, JsonFile.String(q, "question", where, questionsFile), path, a.Answers, a.Type, a.Choice));
            }
        }
        return result;
    }
}
