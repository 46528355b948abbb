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
