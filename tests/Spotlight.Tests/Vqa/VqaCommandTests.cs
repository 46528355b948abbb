using Spotlight.Vqa;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Vqa;

[Collection("Console")]
public class VqaCommandTests(VqaSetFixture set) : IClassFixture<VqaSetFixture>
{
    private string ModelFile(TempDirectory dir)
    {
        using var model = VqaModelFileTests.Untrained(set.Data);
        model.Save(dir.File("m.spotlight"));
        return dir.File("m.spotlight");
    }

    [Fact]
    public void Ask_prints_the_answer_with_its_probability_and_the_top_five_and_writes_each_hops_map()
    {
        using var dir = new TempDirectory();
        var q = set.Data.Split("test")[0];
        var (code, output, err) = CliHarness.Run("vqa", "ask", ModelFile(dir), set.Data.ImagePath(q.ImageId), q.Question, "--attention-out", dir.File("att"));
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^\w+ \([0-9.]+ ?%\)$", lines[0].Trim());
        Assert.Equal(5, lines.Count(l => l.StartsWith("  ")));
        Assert.True(File.Exists(dir.File("att/index.html")));
        Assert.True(File.Exists(dir.File("att/img0000_w00.png")) && File.Exists(dir.File("att/img0000_w01.png")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("zebra quantum lighthouse")]
    [InlineData("LONG")]
    public void Ask_with_a_bad_question_fails_with_one_line(string question)
    {
        using var dir = new TempDirectory();
        if (question == "LONG") question = new string('a', 2000);
        var q = set.Data.Split("test")[0];
        var (code, output, err) = CliHarness.Run("vqa", "ask", ModelFile(dir), set.Data.ImagePath(q.ImageId), question);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("error: ", err);
    }

    [Fact]
    public void Ask_about_a_corrupt_image_fails_with_one_line()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var (code, _, err) = CliHarness.Run("vqa", "ask", ModelFile(dir), dir.File("broken.png"), "what colour is the star?");
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("broken.png", err);
    }

    [Fact]
    public void Eval_prints_every_family_and_pointing_with_its_chance_and_writes_the_page()
    {
        using var dir = new TempDirectory();
        var (code, output, err) = CliHarness.Run("vqa", "eval", ModelFile(dir), "--data", set.Path, "--split", "val", "--report", dir.File("page"));
        Assert.True(code == 0, err);
        foreach (var family in new[] { "overall", "query_colour", "query_shape", "exist", "count", "compare", "relate" }) Assert.Contains(family, output);
        Assert.Matches(@"pointing \(last hop peak inside the target's box\): [0-9.]+ ?% of \d+ questions; per hop .*; chance [0-9.]+ ?%", output);
        Assert.True(File.Exists(dir.File("page/index.html")));
    }

    [Fact]
    public void Train_makes_stacked_models_with_relative_positions_answering_from_the_last_hop_unless_told_not_to_and_counts_when_asked()
    {
        using var dir = new TempDirectory();
        (bool, bool, bool, VqaModelKind) Train(string name, params string[] extra)
        {
            var (code, _, err) = CliHarness.Run(["vqa", "train", "--data", set.Path, "--out", dir.File(name), "--epochs", "1", "--batch-size", "200", .. extra]);
            Assert.True(code == 0, err);
            using var model = VqaModel.Load(dir.File(name));
            return (model.Config.RelativePositions, model.Config.Counting, model.Config.AnswerFromLastHop, model.Config.Model);
        }
        Assert.Equal((true, false, true, VqaModelKind.StackedAttention), Train("a.spotlight"));
        Assert.Equal((false, false, true, VqaModelKind.StackedAttention), Train("b.spotlight", "--relative-positions", "false"));
        Assert.Equal((true, true, true, VqaModelKind.StackedAttention), Train("d.spotlight", "--counting"));
        Assert.Equal((true, false, false, VqaModelKind.StackedAttention), Train("e.spotlight", "--answer-from-last-hop", "false"));
        // One hop reads the same either way; recorded as off, its files resume runs made before the option.
        Assert.Equal((true, false, false, VqaModelKind.StackedAttention), Train("f.spotlight", "--hops", "1"));
        Assert.Equal((false, false, false, VqaModelKind.NoAttention), Train("c.spotlight", "--model", "no-attention"));
    }

    [Fact]
    public void Train_takes_a_plateau_patience_and_refuses_one_below_1_with_one_line()
    {
        using var dir = new TempDirectory();
        var (code, output, err) = CliHarness.Run("vqa", "train", "--data", set.Path, "--out", dir.File("p.spotlight"), "--epochs", "1", "--batch-size", "200", "--plateau-patience", "0");
        Assert.Equal(1, code);
        Assert.Equal("error: --plateau-patience must be at least 1, got 0", err.Trim());
        Assert.False(File.Exists(dir.File("p.spotlight")), output);
        Assert.Equal(0, CliHarness.Run("vqa", "train", "--data", set.Path, "--out", dir.File("q.spotlight"), "--epochs", "1", "--batch-size", "200", "--plateau-patience", "6").Code);
    }

    [Fact]
    public void Eval_over_a_set_with_a_corrupt_image_fails_with_one_line_naming_it()
    {
        using var dir = new TempDirectory();
        Spotlight.Vqa.Data.VqaSynthetic.Generate(new Spotlight.Vqa.Data.VqaSynthConfig(Train: 4, Val: 2, Test: 6, Size: 64, Seed: 3), dir.File("set"));
        var data = Spotlight.Vqa.Data.VqaDataset.Load(dir.File("set"));
        var broken = data.ImagePath(data.Split("test")[0].ImageId);
        File.WriteAllText(broken, "not an image");
        // Images are decoded in parallel: the error must be the file's own line, not an AggregateException's trace.
        var (code, _, err) = CliHarness.Run("vqa", "eval", ModelFile(dir), "--data", dir.File("set"));
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("error: ", err);
        Assert.Contains(Path.GetFileName(broken), err);
    }
}
