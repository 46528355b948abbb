using System.Text.Json;
using Spotlight.Cli;

namespace Spotlight.Tests.Metrics;

[Collection("Console")]
public class ScoreCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void Json_output_and_per_item_file_carry_the_same_scores()
    {
        using var t = new TempFiles();
        var refs = t.Write("refs.json", """
            {"images": [{"id": 1}, {"id": 2}],
             "annotations": [{"image_id": 1, "caption": "A cat on a mat."}, {"image_id": 2, "caption": "Two dogs run."}]}
            """);
        var res = t.Write("res.json", """[{"image_id": 1, "caption": "A cat on a mat."}, {"image_id": 2, "caption": "A dog."}]""");
        var perItem = Path.Combine(t.Dir, "items.jsonl");
        var (code, output, error) = Run("score", "--refs", refs, "--results", res, "--json", "--per-item", perItem, "--metrics", "bleu,rouge");
        Assert.True(code == 0, error);
        using var summary = JsonDocument.Parse(output);
        Assert.Equal(2, summary.RootElement.GetProperty("images").GetInt32());
        var rouge = summary.RootElement.GetProperty("scores").GetProperty("ROUGE-L").GetDouble();
        var lines = File.ReadAllLines(perItem).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal("1", lines[0].GetProperty("image_id").GetString());
        Assert.Equal(1.0, lines[0].GetProperty("ROUGE-L").GetDouble());
        Assert.Equal(rouge, lines.Average(l => l.GetProperty("ROUGE-L").GetDouble()), 12);
    }

    [Fact]
    public void A_bad_results_file_exits_1_with_one_error_line()
    {
        using var t = new TempFiles();
        var refs = t.Write("refs.json", """{"annotations": [{"image_id": 1, "caption": "a"}]}""");
        var res = t.Write("res.json", "[{\"image_id\": 1, \"caption\": \"a\"}, {\"image_id\": 1, \"caption\": \"b\"}]");
        var (code, _, error) = Run("score", "--refs", refs, "--results", res);
        Assert.Equal(1, code);
        Assert.Equal($"error: {res}: image_id 1 has more than one caption (entries [0] and [1]); COCO scoring takes exactly one per image", error.Trim());
    }
}
