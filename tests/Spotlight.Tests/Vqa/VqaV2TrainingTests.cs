using System.Text.Json;
using Spotlight.Tests.Vision;
using Spotlight.Vqa;
using Spotlight.Vqa.Data;

namespace Spotlight.Tests.Vqa;

[Collection("Console")]
public class VqaV2TrainingTests(VqaSetFixture set) : IClassFixture<VqaSetFixture>
{
    /// <summary>
    /// The fixture's train and val splits written in the official VQA v2 layout (COCO-style file names). Questions with
    /// an even id have ten annotators who all gave the right answer; the others three who did and seven who said
    /// "unsure", which is never the label (the multiple-choice answer is the right one).
    /// </summary>
    private static void WriteVqaV2(VqaDataset data, string dir)
    {
        foreach (var (split, key) in new[] { ("train", "train2014"), ("val", "val2014") })
        {
            Directory.CreateDirectory(Path.Combine(dir, key));
            var questions = data.Split(split);
            foreach (var image in questions.Select(q => q.ImageId).Distinct())
                File.Copy(data.ImagePath(image), Path.Combine(dir, key, $"COCO_{key}_{long.Parse(image):D12}.png"));
            File.WriteAllText(Path.Combine(dir, $"v2_OpenEnded_mscoco_{key}_questions.json"), JsonSerializer.Serialize(new
            {
                questions = questions.Select(q => new { question_id = q.Id, image_id = long.Parse(q.ImageId), question = q.Question }),
            }));
            File.WriteAllText(Path.Combine(dir, $"v2_mscoco_{key}_annotations.json"), JsonSerializer.Serialize(new
            {
                annotations = questions.Select(q => new
                {
                    question_id = q.Id, image_id = long.Parse(q.ImageId), multiple_choice_answer = q.Answer,
                    answer_type = q.Family switch { VqaFamily.Exist or VqaFamily.Compare => "yes/no", VqaFamily.Count => "number", _ => "other" },
                    answers = Humans(q).Select((a, i) => new { answer = a, answer_id = i + 1 }),
                }),
            }));
        }
    }

    private static string[] Humans(VqaQuestion q) =>
        q.Id % 2 == 0 ? [.. Enumerable.Repeat(q.Answer, 10)] : [.. Enumerable.Repeat(q.Answer, 3), .. Enumerable.Repeat("unsure", 7)];

    [Fact]
    public void A_folder_in_the_VQA_v2_layout_trains_and_is_scored_with_the_official_accuracy()
    {
        using var dir = new TempDirectory();
        WriteVqaV2(set.Data, dir.Path);
        // VQA v1's files in the same folder (here unreadable): with v2's present they are not read.
        File.WriteAllText(dir.File("OpenEnded_mscoco_val2014_questions.json"), "not json");
        File.WriteAllText(dir.File("mscoco_val2014_annotations.json"), "not json");
        var data = VqaDataset.Load(dir.Path);
        Assert.Empty(data.Scenes);
        Assert.Equal(set.Data.Split("train").Select(q => (q.Id, q.Question, q.Answer)), data.Split("train").Select(q => (q.Id, q.Question, q.Answer)));
        Assert.Equal(set.Data.Split("val").Count, data.Split("val").Count);
        Assert.Empty(data.Split("test"));

        // One more than the rarest training answer's count: that answer is not a class, and its questions are not trained on.
        int minCount = set.Data.Split("train").GroupBy(q => q.Answer).Min(g => g.Count()) + 1;
        var options = new VqaTrainingOptions(Epochs: 1, BatchImages: 32, Seed: 1) { MinAnswerCount = minCount };
        var result = new VqaTrainer(data, VqaConfig.Tiny, options).Train(dir.File("m.spotlight"));
        using var model = VqaModel.Load(result.BestModelPath);
        var frequent = set.Data.Split("train").GroupBy(q => q.Answer).Where(g => g.Count() >= minCount).Select(g => g.Key).Order(StringComparer.Ordinal);
        Assert.Equal(frequent, model.Answers);
        Assert.True(model.Answers.Count < set.Data.Split("train").Select(q => q.Answer).Distinct().Count());

        using var val = VqaExamples.Load(data, "val", model.QuestionVocabulary, model.AnswerIds, model.Preprocessing);
        var answers = VqaEvaluation.Run(model, val);
        var scores = VqaEvaluation.Score(data, val.Questions, answers);
        // By hand: a right answer earns 1 where all ten agree and (3 · 2/3 + 7 · 1) / 10 = 0.9 where three of ten gave it.
        var credits = val.Questions.Select((q, i) => answers[i].Answer != q.Answer ? 0 : q.Id % 2 == 0 ? 1.0 : 0.9).ToList();
        Assert.Contains(credits, c => c == 0.9);
        Assert.Equal(credits.Average(), scores.Accuracy, 9);
        Assert.Equal([VqaFamily.YesNo, VqaFamily.Number, VqaFamily.Other], scores.Families);
        Assert.Null(scores.Pointing);

        var (code, output, err) = CliHarness.Run("vqa", "eval", result.BestModelPath, "--data", dir.Path, "--split", "val");
        Assert.True(code == 0, err);
        Assert.Contains("official VQA accuracy", output);
        Assert.Contains($"{scores.Accuracy:P1}", output);
        Assert.Contains("yes/no", output);
        Assert.Contains("no question here is about one object", output);
        // VQA v2 has no scored test split: eval defaults to val there, and says which splits exist when asked for test.
        var (code2, output2, err2) = CliHarness.Run("vqa", "eval", result.BestModelPath, "--data", dir.Path);
        Assert.True(code2 == 0, err2);
        Assert.Contains($"{scores.Accuracy:P1}", output2);
        (code, _, err) = CliHarness.Run("vqa", "eval", result.BestModelPath, "--data", dir.Path, "--split", "test");
        Assert.Equal(1, code);
        Assert.Contains("no test split with annotations (splits here: train, val)", err);
    }

    [Fact]
    public void A_folder_with_neither_layout_is_one_line()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("v2_OpenEnded_mscoco_test2015_questions.json"), """{"questions": []}""");
        var e = Assert.Throws<SpotlightException>(() => VqaDataset.Load(dir.Path));
        Assert.Contains("no VQA v2 files", e.Message);
    }
}
