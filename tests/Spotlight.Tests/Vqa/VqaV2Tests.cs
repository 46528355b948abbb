using Spotlight.Tests.Vision;
using Spotlight.Vqa.Data;

namespace Spotlight.Tests.Vqa;

public class VqaV2Tests
{
    private static string[] Answers(params (string Answer, int Times)[] groups) => [.. groups.SelectMany(g => Enumerable.Repeat(g.Answer, g.Times))];

    [Theory]
    [InlineData("The Dog.", "dog")]
    [InlineData("two", "2")]
    [InlineData("None", "0")]
    [InlineData("dont know", "don't know")]
    [InlineData("1,000", "1000")]
    [InlineData("red/white", "red white")]
    [InlineData("hello, world", "hello world")]
    [InlineData("3.5", "3.5")]
    [InlineData("an apple", "apple")]
    public void Answers_are_normalised_as_the_official_script_does(string raw, string expected) =>
        Assert.Equal(expected, VqaV2Accuracy.Normalize(raw));

    [Fact]
    public void Accuracy_averages_min_of_matches_over_three_across_the_ten_leave_one_out_subsets()
    {
        // 2 × "yes", 8 × "no", answer "yes": leaving out a "yes" leaves 1 match (1/3), leaving out a "no" leaves 2 (2/3):
        // (2 · 1/3 + 8 · 2/3) / 10 = 0.6.
        Assert.Equal(0.6, VqaV2Accuracy.Score("yes", Answers(("yes", 2), ("no", 8))), 10);
        // 3 × "red": leaving out one of them leaves 2 (2/3), leaving out another leaves 3 (1): (3 · 2/3 + 7 · 1) / 10 = 0.9.
        Assert.Equal(0.9, VqaV2Accuracy.Score("red", Answers(("red", 3), ("blue", 7))), 10);
        Assert.Equal(1.0, VqaV2Accuracy.Score("blue", Answers(("red", 3), ("blue", 7))), 10);
        Assert.Equal(0.0, VqaV2Accuracy.Score("green", Answers(("red", 3), ("blue", 7))), 10);
    }

    [Fact]
    public void Normalisation_applies_when_annotators_disagree_and_not_when_they_all_agree()
    {
        // "two" and "2" are one answer after normalisation: 4 matches whichever is left out → 1.
        Assert.Equal(1.0, VqaV2Accuracy.Score("2", Answers(("two", 1), ("2", 3), ("3", 6))), 10);
        // All ten say "two": the script compares the trimmed strings as they are.
        Assert.Equal(0.0, VqaV2Accuracy.Score("2", Answers(("two", 10))), 10);
        Assert.Equal(1.0, VqaV2Accuracy.Score(" two\n", Answers(("two", 10))), 10);
    }

    [Fact]
    public void The_reader_joins_questions_annotations_and_image_files()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("images"));
        File.WriteAllBytes(dir.File("images/COCO_val2014_000000000042.jpg"), [1]);
        File.WriteAllText(dir.File("q.json"), """{"questions": [{"question_id": 420, "image_id": 42, "question": "What colour is the bus?"}]}""");
        File.WriteAllText(dir.File("a.json"), """
            {"annotations": [{"question_id": 420, "image_id": 42, "answer_type": "other", "multiple_choice_answer": "red",
              "answers": [{"answer": "red", "answer_id": 1}, {"answer": "red", "answer_id": 2}, {"answer": "Red.", "answer_id": 3}]}]}
            """);
        var q = Assert.Single(VqaV2Dataset.Load(dir.File("q.json"), dir.File("a.json"), dir.File("images")));
        Assert.Equal(420, q.QuestionId);
        Assert.EndsWith("000000000042.jpg", q.ImagePath);
        Assert.Equal(["red", "red", "Red."], q.Answers);
        Assert.Equal("other", q.AnswerType);
        // "Red." normalises to "red": three matching answers.
        Assert.Equal(2.0 / 3, VqaV2Accuracy.Score("red", q.Answers), 10);
        File.WriteAllText(dir.File("q2.json"), """{"questions": [{"question_id": 421, "image_id": 43, "question": "?"}]}""");
        Assert.Contains("no annotation", Assert.Throws<SpotlightException>(() => VqaV2Dataset.Load(dir.File("q2.json"), dir.File("a.json"), dir.File("images"))).Message);
    }
}
