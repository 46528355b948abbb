using Spotlight.Vqa.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Vqa;

/// <summary>Accuracy overall and per family, and pointing: how often the attention peak lies inside the object the answer is about.</summary>
/// <param name="Pointing">last hop; null without attention or without questions about one object</param>
/// <param name="PointingPerHop">each hop's pointing accuracy</param>
/// <param name="PointingChance">the mean area fraction of those objects' boxes: what a peak placed at random scores</param>
/// <param name="Accuracy">the mean credit: exact answers on the synthetic set, the official VQA accuracy on VQA v2</param>
/// <param name="PerFamily">the families that occur in the questions</param>
public sealed record VqaScores(int Questions, double Accuracy, IReadOnlyDictionary<VqaFamily, (int Questions, double Accuracy)> PerFamily,
    int PointingQuestions, double? Pointing, IReadOnlyList<double> PointingPerHop, double PointingChance)
{
    /// <summary>Per family with questions about one object: how many, and each hop's pointing accuracy.</summary>
    public IReadOnlyDictionary<VqaFamily, (int Questions, IReadOnlyList<double> PerHop)> PointingPerFamily { get; init; } =
        new Dictionary<VqaFamily, (int, IReadOnlyList<double>)>();

    /// <summary>The families scored, in <see cref="VqaFamily"/> order.</summary>
    public IReadOnlyList<VqaFamily> Families => [.. VqaFamilies.All.Where(PerFamily.ContainsKey)];
}

public static class VqaEvaluation
{
    /// <summary>Answers every question of <paramref name="examples"/>, a batch of images at a time.</summary>
    public static VqaAnswer[] Run(VqaModel model, VqaExamples examples, int batchImages = 64, int top = 5)
    {
        var answers = new VqaAnswer[examples.Questions.Count];
        for (int start = 0; start < examples.ImageCount; start += batchImages)
        {
            using var scope = torch.NewDisposeScope();
            var rows = Enumerable.Range(start, Math.Min(batchImages, examples.ImageCount - start)).ToList();
            var batch = examples.Batch(rows);
            var regions = examples.HoldsRegions ? batch.Images : model.EncodeImages(batch.Images);   // each image once
            var result = model.AskRegions(regions.index_select(0, batch.ImageIndex), [.. batch.Questions.Select(q => examples.Tokens[q])], top);
            for (int i = 0; i < batch.Questions.Length; i++) answers[batch.Questions[i]] = result[i];
        }
        return answers;
    }

    public static VqaScores Score(VqaDataset data, IReadOnlyList<VqaQuestion> questions, IReadOnlyList<VqaAnswer> answers)
    {
        double Credit(int i) => questions[i].Credit(answers[i].Answer);
        var perFamily = VqaFamilies.In(questions).ToDictionary(f => f, f =>
        {
            var mine = Enumerable.Range(0, questions.Count).Where(i => questions[i].Family == f).ToList();
            return (mine.Count, mine.Average(Credit));
        });
        var about = Enumerable.Range(0, questions.Count).Where(i => questions[i].Target is not null).ToList();
        int hops = answers.Count > 0 ? answers[0].HopMaps.Count : 0;
        List<double> PerHop(List<int> subset) => [.. Enumerable.Range(0, hops).Select(h => subset.Count == 0 ? double.NaN
            : subset.Count(i => PeakInside(data, questions[i], answers[i].HopMaps[h], answers[i].GridSize)) / (double)subset.Count)];
        var perHop = PerHop(about);
        var pointingPerFamily = hops == 0 ? [] : about.GroupBy(i => questions[i].Family).OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => (g.Count(), (IReadOnlyList<double>)PerHop([.. g])));
        double chance = about.Count == 0 ? double.NaN : about.Average(i =>
        {
            var scene = data.Scenes[questions[i].ImageId];
            var box = scene.Objects[questions[i].Target!.Value].Box;
            return box.W * box.H / (double)(scene.Width * scene.Height);
        });
        return new VqaScores(questions.Count, questions.Count == 0 ? double.NaN : Enumerable.Range(0, questions.Count).Average(Credit),
            perFamily, about.Count, hops > 0 && about.Count > 0 ? perHop[^1] : null, perHop, chance) { PointingPerFamily = pointingPerFamily };
    }

    /// <summary>Whether the centre of the map's highest cell lies inside the target object's box (in the scene's pixels).</summary>
    public static bool PeakInside(VqaDataset data, VqaQuestion question, float[] map, int grid)
    {
        int peak = 0;
        for (int r = 1; r < map.Length; r++) if (map[r] > map[peak]) peak = r;
        var scene = data.Scenes[question.ImageId];
        var box = scene.Objects[question.Target!.Value].Box;
        double x = (peak % grid + 0.5) * scene.Width / grid, y = (peak / grid + 0.5) * scene.Height / grid;
        return x >= box.X && x < box.X + box.W && y >= box.Y && y < box.Y + box.H;
    }
}
