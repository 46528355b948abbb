using System.Text.Json;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Captioning;

/// <summary><c>spotlight recipe flickr8k</c> end to end on a tiny generated data set, and its rerun.</summary>
[Collection("Console")]
public sealed class RecipeCommandTests
{
    [Fact]
    public void The_recipe_trains_tunes_tests_and_writes_results_and_a_rerun_skips_finished_stages()
    {
        using var dir = new TempDirectory();
        SyntheticDataset.Generate(new SynthConfig(Train: 12, Val: 4, Test: 3, Size: 32, Seed: 5), dir.File("data"));
        string[] command = ["recipe", "flickr8k", "--data", dir.File("data"), "--out", dir.File("run"), "--minutes", "0.25",
            "--scst", "--scst-minutes", "0.15", "--beam", "2", "--threads", "2"];
        var (code, output, error) = CliHarness.Run(command);
        Assert.True(code == 0, error);
        Assert.Contains("self-critical model", output);

        using var results = JsonDocument.Parse(File.ReadAllText(dir.File("run/results.json")));
        var root = results.RootElement;
        Assert.Equal("ResNet-18 (ImageNet, CNTK via ONNX)", root.GetProperty("encoder").GetProperty("name").GetString());
        Assert.Equal("ptb", root.GetProperty("tokenizer").GetString());
        Assert.Equal(3, root.GetProperty("splits").GetProperty("test").GetInt32());
        foreach (var stage in new[] { "cross_entropy", "self_critical" })
        {
            var test = root.GetProperty("test").GetProperty(stage);
            Assert.Equal(3, test.GetProperty("images").GetInt32());
            Assert.InRange(test.GetProperty("bleu4").GetDouble(), 0, 1);
            Assert.True(test.GetProperty("cider_d").GetDouble() >= 0);
            Assert.True(File.Exists(root.GetProperty("training").GetProperty(stage).GetProperty("BestModel").GetString()));
        }
        Assert.Equal(5, root.GetProperty("settings").GetProperty("self_critical").GetProperty("self_critical").GetProperty("samples").GetInt32());
        Assert.True(File.Exists(dir.File("run/report/index.html")));
        var scstLog = File.ReadLines(dir.File("run/scst.log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(scstLog, e => e.GetProperty("type").GetString() == "step" && e.TryGetProperty("reward", out _));

        // A rerun finds both stages done and evaluates the same models again: the same scores.
        var before = root.GetProperty("test").GetRawText();
        (code, output, error) = CliHarness.Run(command);
        Assert.True(code == 0, error);
        Assert.Contains("cross-entropy training: done before", output);
        Assert.Contains("self-critical training: done before", output);
        using var again = JsonDocument.Parse(File.ReadAllText(dir.File("run/results.json")));
        Assert.Equal(before, again.RootElement.GetProperty("test").GetRawText());

        (code, _, error) = CliHarness.Run("recipe", "flickr8k", "--data", dir.File("data"), "--out", dir.File("other"), "--encoder", dir.File("none.spotlight"));
        Assert.NotEqual(0, code);
        Assert.Contains("none.spotlight", error);
    }
}
