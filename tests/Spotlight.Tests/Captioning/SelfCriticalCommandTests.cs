using System.Text.Json;
using Spotlight.Captioning;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Captioning;

/// <summary><c>spotlight train --scst --init MODEL</c> through the command line.</summary>
[Collection("Console")]
public class SelfCriticalCommandTests
{
    [Fact]
    public void Train_scst_fine_tunes_a_model_and_logs_rewards_and_bad_input_is_one_line()
    {
        using var data = new TinyCaptioningData();
        using var dir = new TempDirectory();
        string[] small = ["--batch-size", "16", "--image-size", "32", "--validation-images", "4", "--threads", "1"];
        var (code, _, error) = CliHarness.Run(["train", "--data", data.Directory, "--out", dir.File("xe.spotlight"), "--epochs", "2", .. small]);
        Assert.True(code == 0, error);

        (code, _, error) = CliHarness.Run(["train", "--data", data.Directory, "--out", dir.File("scst.spotlight"), "--epochs", "1",
            "--scst", "--init", dir.File("xe.last.spotlight"), "--scst-samples", "3", "--scst-baseline", "greedy", .. small]);
        Assert.True(code == 0, error);
        var steps = File.ReadLines(dir.File("scst.log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "step").ToList();
        Assert.Equal(4, steps.Count);                          // 64 images, batch 16: each image once per epoch
        Assert.All(steps, s => Assert.True(s.GetProperty("reward").GetDouble() >= 0));
        Assert.All(steps, s => Assert.Equal(CaptionTrainingOptions.SelfCriticalLearningRate, s.GetProperty("lr").GetDouble()));
        using (var xe = CaptionModel.Load(dir.File("xe.last.spotlight")))
        using (var tuned = CaptionModel.Load(dir.File("scst.last.spotlight")))
            Assert.Equal(xe.Vocabulary.ToJson(), tuned.Vocabulary.ToJson());

        (code, _, error) = CliHarness.Run(["train", "--data", data.Directory, "--out", dir.File("x.spotlight"), "--scst", .. small]);
        Assert.NotEqual(0, code);
        Assert.Contains("--init", error);
        Assert.Single(error.Trim().Split('\n'));

        File.WriteAllText(dir.File("broken.spotlight"), "not a model");
        (code, _, error) = CliHarness.Run(["train", "--data", data.Directory, "--out", dir.File("y.spotlight"), "--scst", "--init", dir.File("broken.spotlight"), .. small]);
        Assert.NotEqual(0, code);
        Assert.Contains("broken.spotlight", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}

/// <summary><c>spotlight caption</c>'s decoding controls.</summary>
[Collection("Console")]
public class CaptionDecodingCommandTests
{
    [Fact]
    public void Sampling_with_a_seed_repeats_n_best_lists_have_scores_and_bad_values_are_one_line()
    {
        using var data = new TinyCaptioningData();
        using var dir = new TempDirectory();
        var model = dir.File("m.spotlight");
        using (var random = data.RandomModel()) random.Save(model);
        var photo = data.Dataset.Split("test").Images[0].ImagePath;

        string[] sample = ["caption", model, photo, "--beam", "1", "--sample", "--sample-seed", "3", "--top-k", "5", "--alternatives", "3", "--json"];
        var (code, first, error) = CliHarness.Run(sample);
        Assert.True(code == 0, error);
        var (_, second, _) = CliHarness.Run(sample);
        Assert.Equal(first, second);
        var line = JsonDocument.Parse(first.Trim()).RootElement;
        var scores = line.GetProperty("alternatives").EnumerateArray().Select(a => a.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(3, scores.Count);
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal(line.GetProperty("caption").GetString(), line.GetProperty("alternatives")[0].GetProperty("caption").GetString());

        var (_, blocked, _) = CliHarness.Run("caption", model, photo, "--beam", "2", "--no-repeat-ngram", "1", "--min-length", "3", "--json");
        var words = JsonDocument.Parse(blocked.Trim()).RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(words.Count, words.Distinct().Count());

        foreach (var bad in new[] { new[] { "--top-p", "0.5" }, ["--sample", "--beam", "3"], ["--repetition-penalty", "0.5"], ["--sample", "--beam", "1", "--temperature", "0"] })
        {
            (code, _, error) = CliHarness.Run(["caption", model, photo, .. bad]);
            Assert.NotEqual(0, code);
            Assert.Single(error.Trim().Split('\n'));
        }
    }
}
