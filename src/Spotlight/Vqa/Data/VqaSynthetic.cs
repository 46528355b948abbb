using System.Text.Json;
using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Vision;

namespace Spotlight.Vqa.Data;

/// <summary>What <see cref="VqaSynthetic.Generate"/> wrote.</summary>
public sealed record VqaSynthSummary(string Directory, int Scenes, int Questions,
    IReadOnlyDictionary<string, int> QuestionsPerSplit, IReadOnlyDictionary<VqaFamily, int> QuestionsPerFamily);

/// <summary>
/// Generates the synthetic VQA set: images/NNNNNN.png and objects.json from the captioning set's scene sampler and
/// renderer (<see cref="SceneSampler"/>, <see cref="SceneRenderer"/>; 2–5 objects per scene here), and questions.json
/// (see docs/vqa.md). Scene i is drawn from its own generator (seed, i), so images are made in parallel; questions are
/// chosen scene by scene in order, because answer balancing (<see cref="AnswerBalancer"/>) depends on what came before.
/// </summary>
public static partial class VqaSynthetic
{
    public const string QuestionsFile = "questions.json", FormatName = "spotlight-vqa-questions";

    public static VqaSynthSummary Generate(VqaSynthConfig config, string outDir, bool overwrite = false)
    {
        config.Validate();
        if (File.Exists(outDir)) throw new SpotlightException($"{outDir}: exists and is a file, not a directory");
        if (!overwrite && File.Exists(Path.Combine(outDir, QuestionsFile)))
            throw new SpotlightException($"{outDir}: already holds a VQA set ({QuestionsFile}); pass --overwrite to replace it");
        var imagesDir = Path.Combine(outDir, SyntheticDataset.ImagesDir);
        Directory.CreateDirectory(imagesDir);
        File.Delete(Path.Combine(outDir, QuestionsFile));   // until the new questions are written, the directory must not load
        foreach (var old in Directory.EnumerateFiles(imagesDir, "*.png").Where(f => GeneratedName().IsMatch(Path.GetFileName(f))))
            File.Delete(old);

        var scenes = new SyntheticScene[config.Total];
        Parallel.For(0, config.Total, i =>
        {
            var rng = SeededRandom.Derive(config.Seed, i);
            var (background, objects) = SceneSampler.Sample(rng, config.Size, config.MinObjects, config.MaxObjects);
            var scene = new SyntheticScene(Id(i), $"{i + 1:D6}.png", config.Size, config.Size, background.Kind, objects);
            using (var bitmap = SceneRenderer.Render(config.Size, background, objects, rng))
                PngFile.Save(bitmap, Path.Combine(imagesDir, scene.FileName));
            scenes[i] = scene;
        });
        var questions = Questions(config, scenes);

        SyntheticDataset.WriteJson(Path.Combine(outDir, SyntheticDataset.ObjectsFile), w => SyntheticObjects.Write(w, scenes));
        SyntheticDataset.WriteJson(Path.Combine(outDir, QuestionsFile), w => Write(w, config, questions));   // last: marks a finished set
        return new VqaSynthSummary(outDir, config.Total, questions.Count,
            questions.GroupBy(q => q.Split).ToDictionary(g => g.Key, g => g.Count()),
            questions.GroupBy(q => q.Family).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>Up to one question per template per scene, in a scene-specific template order, kept only when balanced.</summary>
    public static List<VqaQuestion> Questions(VqaSynthConfig config, IReadOnlyList<SyntheticScene> scenes)
    {
        var balancer = new AnswerBalancer();
        var questions = new List<VqaQuestion>();
        for (int i = 0; i < scenes.Count; i++)
        {
            var rng = SeededRandom.Derive(config.Seed, i, 1);   // another stream than the scene's own
            var templates = QuestionGrammar.Templates.Keys.ToList();
            rng.Shuffle(templates);
            string split = config.SplitOf(i);
            foreach (var template in templates)
            {
                if (balancer.Choose(split, template, QuestionGrammar.Candidates(scenes[i], template), rng) is not { } c) continue;
                questions.Add(new VqaQuestion(questions.Count + 1, scenes[i].ImageId, split, c.Question, c.Answer, c.Family, c.Template, c.Refs, c.Target));
            }
        }
        return questions;
    }

    private static string Id(int index) => (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]{6}\.png$")]
    private static partial System.Text.RegularExpressions.Regex GeneratedName();

    private static void Write(Utf8JsonWriter w, VqaSynthConfig config, IReadOnlyList<VqaQuestion> questions)
    {
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", 1);
        w.WriteString("generator", "spotlight vqa synth");
        w.WriteNumber("seed", config.Seed);
        w.WriteNumber("size", config.Size);
        w.WriteString("refs_note", "refs and target are indices into the image's objects list in objects.json");
        w.WriteStartArray("questions");
        foreach (var q in questions)
        {
            w.WriteStartObject();
            w.WriteNumber("id", q.Id);
            w.WriteNumber("image_id", long.Parse(q.ImageId, System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("split", q.Split);
            w.WriteString("question", q.Question);
            w.WriteString("answer", q.Answer);
            w.WriteString("family", VqaFamilies.Name(q.Family));
            w.WriteString("template", q.Template);
            w.WriteStartArray("refs");
            foreach (var r in q.Refs) w.WriteNumberValue(r);
            w.WriteEndArray();
            if (q.Target is int t) w.WriteNumber("target", t);
            else w.WriteNull("target");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
