using Spotlight.Captioning;
using Spotlight.Tests.Captioning;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Examples;

/// <summary>
/// examples/OnnxCaption, a program with ONNX Runtime and SkiaSharp only, captioning with a folder written by
/// `spotlight export onnx`: its greedy caption and each word's attention peak are the library's.
/// </summary>
[Collection(TinyCaptioningCollection.Name)]
public class OnnxCaptionTests(TinyCaptioningData data)
{
    private static (int Code, string Out, string Err) Run(params string[] args) =>
        CaptionFromCodeTests.RunProgram(CaptionFromCodeTests.ExampleProgram("OnnxCaption"), args);

    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void The_example_prints_the_libraries_greedy_caption_and_where_each_word_looked(string decoder)
    {
        using var dir = new TempDirectory();
        var options = TinyCaptioningData.Options with { Epochs = 1 };
        var config = decoder == "lstm" ? TinyCaptioningData.Config() : TinyCaptioningData.TransformerConfig();
        var trained = new CaptionTrainer(data.Dataset, config, options).Train(dir.File("m.spotlight"));
        using var model = CaptionModel.Load(trained.BestModelPath);
        CaptionerOnnxExport.Export(model, dir.File("onnx"));

        foreach (var photo in data.Dataset.Split("test").Images.Take(3).Select(i => i.ImagePath))   // 32×32 PNGs: no resizing on either side
        {
            var (code, output, error) = Run(dir.File("onnx"), photo);

            Assert.True(code == 0, error);
            CaptionFromCodeTests.AssertCaptionAndPeaks(model.CaptionFiles([photo], new CaptionOptions(Beam: 1))[0], output, "\t");
        }
    }

    [Fact]
    public void A_folder_without_an_export_gives_one_line_and_exit_code_1()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = Run(dir.Path, data.Dataset.Split("test").Images[0].ImagePath);
        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("captioner.json", line);
    }
}
