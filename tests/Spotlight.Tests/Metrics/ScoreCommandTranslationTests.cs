using System.Text.Json;

namespace Spotlight.Tests.Metrics;

[Collection("Console")]
public class ScoreCommandTranslationTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("spotlight-score-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    // sacreBLEU's README example (github:mjpost/sacrebleu, "Using SacreBLEU from Python"): two reference streams,
    // corpus BLEU 48.53 and chrF2 59.73.
    private (string Hyp, string Ref1, string Ref2) ReadmeExample() => (
        Write("hyp.txt", "The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."),
        Write("ref1.txt", "The dog bit the man.", "It was not unexpected.", "The man bit him first."),
        Write("ref2.txt", "The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));

    [Fact]
    public void Sacrebleu_on_line_aligned_files_prints_the_score_and_signature()
    {
        var (hyp, ref1, ref2) = ReadmeExample();
        var (code, output, error) = CliHarness.Run("score", "--metric", "sacrebleu", "--refs", ref1, "--refs", ref2, "--hyp", hyp);
        Assert.True(code == 0, error);
        Assert.StartsWith("BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 48.53", output);
    }

    [Fact]
    public void Chrf_as_json_carries_the_score()
    {
        var (hyp, ref1, ref2) = ReadmeExample();
        var (code, output, error) = CliHarness.Run("score", "--metric", "chrf", "--refs", ref1, "--refs", ref2, "--hyp", hyp, "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(59.73, json.RootElement.GetProperty("score").GetDouble(), 2);
        Assert.Equal(3, json.RootElement.GetProperty("lines").GetInt32());
    }

    [Fact]
    public void A_line_count_mismatch_is_one_clear_error()
    {
        var hyp = Write("hyp.txt", "a", "b", "c");
        var reference = Write("ref.txt", "a", "b");
        var (code, _, error) = CliHarness.Run("score", "--metric", "sacrebleu", "--refs", reference, "--hyp", hyp);
        Assert.Equal(1, code);
        Assert.Contains("ref.txt: has 2 lines but", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Caption_scoring_reports_which_meteor_modules_ran()
    {
        var refs = Path.Combine(dir, "refs.json");
        File.WriteAllText(refs, """{"images": [{"id": 1}], "annotations": [{"image_id": 1, "caption": "A cat sits on the mat."}]}""");
        var results = Path.Combine(dir, "res.json");
        File.WriteAllText(results, """[{"image_id": 1, "caption": "A cat sitting on a mat."}]""");
        var (code, output, error) = CliHarness.Run("score", "--refs", refs, "--results", results, "--metrics", "meteor", "--json");
        Assert.True(code == 0, error);
        Assert.Contains("METEOR modules: exact, stem", error);
        using var json = JsonDocument.Parse(output);
        Assert.Contains("METEOR", json.RootElement.ToString());
    }
}
