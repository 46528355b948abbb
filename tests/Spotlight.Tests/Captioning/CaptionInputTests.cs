using SkiaSharp;
using Spotlight.Captioning;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Captioning;

[Collection(TinyCaptioningCollection.Name)]
public class CaptionInputTests(TinyCaptioningData data)
{
    [Theory]
    [InlineData("empty")]
    [InlineData("text")]
    [InlineData("truncated")]
    [InlineData("random")]
    public void Unreadable_files_give_one_line_naming_the_file(string kind)
    {
        using var model = data.RandomModel();
        using var dir = new TempDirectory();
        var png = File.ReadAllBytes(data.Dataset.Split("test").Images[0].ImagePath);
        byte[] bytes = kind switch
        {
            "empty" => [],
            "text" => "this is not an image"u8.ToArray(),
            "truncated" => png[..(png.Length / 2)],
            _ => Enumerable.Range(0, 500).Select(i => (byte)(i * 37 % 251)).ToArray(),
        };
        var path = dir.Write($"bad-{kind}.png", bytes);
        var e = Assert.Throws<SpotlightException>(() => model.CaptionFiles([path], new CaptionOptions(Beam: 1)));
        Assert.Contains($"bad-{kind}.png", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Grayscale_alpha_and_exif_rotated_images_are_captioned()
    {
        using var model = data.RandomModel();
        using var dir = new TempDirectory();
        using var colour = TestImages.Solid(40, 30, (x, y) => new SKColor((byte)(x * 6), (byte)(y * 8), 90, (byte)(x < 20 ? 255 : 60)));
        using var grey = new SKBitmap(new SKImageInfo(40, 30, SKColorType.Gray8));
        var files = new[]
        {
            dir.Write("grey.png", TestImages.Encode(grey, SKEncodedImageFormat.Png)),
            dir.Write("alpha.png", TestImages.Encode(colour, SKEncodedImageFormat.Png)),
            dir.Write("rotated.jpg", TestImages.WithExifOrientation(TestImages.Encode(colour, SKEncodedImageFormat.Jpeg), 6)),
            dir.Write("tiny.png", TestImages.Encode(TestImages.Solid(3, 2, (_, _) => SKColors.Red), SKEncodedImageFormat.Png)),
        };
        var results = model.CaptionFiles(files, new CaptionOptions(Beam: 2, MaxLength: 8));
        Assert.Equal(files.Length, results.Count);
        Assert.All(results, r => Assert.True(r.Tokens.Count > 0 || !r.Finished || r.Caption == ""));
        Assert.Equal(files, results.Select(r => r.Source));
    }

    [Fact]
    public void Inference_preprocessing_is_the_training_preprocessing()
    {
        using var model = data.RandomModel();
        var image = data.Dataset.Split("train").Images[0];
        var loader = Spotlight.Captioning.Data.CaptionBatchLoader.Create([image], model.Vocabulary, new Spotlight.Text.TextConfig(20),
            model.Preprocessing, new Spotlight.Captioning.Data.CaptionLoaderOptions(BatchSize: 1, Prefetch: 0,
                Sampling: Spotlight.Captioning.Data.CaptionSampling.OneCaptionPerImage));
        using var batch = loader.Epoch(0).Single();
        using var inference = model.LoadImage(image.ImagePath);
        Assert.True(batch.Images[0].allclose(inference, rtol: 0, atol: 0), "the training loader and inference preprocess differently");
    }
}
