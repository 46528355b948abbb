using System.Text.Json;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Captioning;

/// <summary><c>spotlight eval</c> on data that has no object boxes, and its argument checks.</summary>
[Collection("Console")]
public class EvalCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    /// <summary>The tiny synthetic set copied without objects.json: real photos look like this to eval.</summary>
    private static string WithoutBoxes(TinyCaptioningData data, TempDirectory dir)
    {
        var copy = dir.File("data");
        Directory.CreateDirectory(Path.Combine(copy, SyntheticDataset.ImagesDir));
        foreach (var file in Directory.GetFiles(data.Directory))
            if (Path.GetFileName(file) != SyntheticDataset.ObjectsFile) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        foreach (var image in Directory.GetFiles(Path.Combine(data.Directory, SyntheticDataset.ImagesDir)))
            File.Copy(image, Path.Combine(copy, SyntheticDataset.ImagesDir, Path.GetFileName(image)));
        return copy;
    }

    [Fact]
    public void Json_output_on_data_without_boxes_leaves_grounding_out_instead_of_crashing()
    {
        using var data = new TinyCaptioningData();
        using var dir = new TempDirectory();
        using (var model = data.RandomModel()) model.Save(dir.File("m.spotlight"));
        var (code, output, error) = Run("eval", dir.File("m.spotlight"), "--data", WithoutBoxes(data, dir), "--split", "test", "--beam", "1", "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(8, json.RootElement.GetProperty("Images").GetInt32());
        Assert.True(json.RootElement.GetProperty("Bleu4").ValueKind == JsonValueKind.Number);
        var grounding = json.RootElement.GetProperty("Grounding");
        Assert.Equal(JsonValueKind.Null, grounding.GetProperty("Accuracy").ValueKind);   // no box: the figure does not apply
        Assert.Equal(0, grounding.GetProperty("Words").GetInt32());
    }

    [Fact]
    public void A_negative_example_count_is_refused()
    {
        using var data = new TinyCaptioningData();
        using var dir = new TempDirectory();
        using (var model = data.RandomModel()) model.Save(dir.File("m.spotlight"));
        var (code, _, error) = Run("eval", dir.File("m.spotlight"), "--data", data.Directory, "--examples", "-5");
        Assert.Equal(1, code);
        Assert.Equal("error: --examples must be 0 or more, got -5", error.Trim());
    }
}
