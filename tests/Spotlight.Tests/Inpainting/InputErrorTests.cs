using Spotlight.Inpainting;
using Spotlight.Tests.Vision;
using Spotlight.Vision;

namespace Spotlight.Tests.Inpainting;

public sealed class InputErrorTests
{
    private static byte[] Png(int w, int h, byte value) => AttentionReport.Png(new RgbImage(w, h, Enumerable.Repeat(value, w * h * 3).ToArray()));

    private static byte[] HalfWhite(int w, int h)
    {
        var data = new byte[w * h * 3];
        for (int i = 0; i < w * h / 2; i++) data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = 255;
        return AttentionReport.Png(new RgbImage(w, h, data));
    }

    [Fact]
    public void A_mask_of_another_size_than_the_image_is_refused_naming_both_sizes()
    {
        using var dir = new TempDirectory();
        var image = dir.Write("photo.png", Png(40, 30, 128));
        var mask = dir.Write("mask.png", HalfWhite(20, 20));
        var e = Assert.Throws<SpotlightException>(() => InpaintingInput.Load(image, mask, null, 16));
        Assert.Equal($"{mask}: mask is 20x20 but the image is 40x30", e.Message);
    }

    [Fact]
    public void An_all_black_mask_is_refused_as_empty()
    {
        using var dir = new TempDirectory();
        var image = dir.Write("photo.png", Png(16, 16, 128));
        var mask = dir.Write("mask.png", Png(16, 16, 0));
        var e = Assert.Throws<SpotlightException>(() => InpaintingInput.Load(image, mask, null, 16));
        Assert.StartsWith($"{mask}: the mask is empty", e.Message);
    }

    [Fact]
    public void An_all_white_mask_is_refused_because_nothing_is_known()
    {
        using var dir = new TempDirectory();
        var image = dir.Write("photo.png", Png(16, 16, 128));
        var mask = dir.Write("mask.png", Png(16, 16, 255));
        var e = Assert.Throws<SpotlightException>(() => InpaintingInput.Load(image, mask, null, 16));
        Assert.Equal($"{mask}: the mask covers the whole image (nothing known to fill from)", e.Message);
    }

    [Fact]
    public void A_corrupt_image_or_mask_file_is_named_in_the_error()
    {
        using var dir = new TempDirectory();
        var good = dir.Write("photo.png", Png(16, 16, 128));
        var bad = dir.Write("broken.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var text = dir.Write("notes.png", "hello"u8.ToArray());
        Assert.StartsWith(bad, Assert.Throws<SpotlightException>(() => InpaintingInput.Load(bad, null, [1, 1, 4, 4], 16)).Message);
        Assert.StartsWith(text, Assert.Throws<SpotlightException>(() => InpaintingInput.Load(good, text, null, 16)).Message);
    }

    [Theory]
    [InlineData(10, 10, 10, 10, "does not lie inside the 16x16 image")]
    [InlineData(2, 2, 0, 5, "width and height must be positive")]
    [InlineData(0, 0, 16, 16, "covers the whole image")]
    public void A_box_outside_the_image_empty_or_covering_everything_is_refused(int x, int y, int w, int h, string problem)
    {
        using var dir = new TempDirectory();
        var image = dir.Write("photo.png", Png(16, 16, 128));
        var e = Assert.Throws<SpotlightException>(() => InpaintingInput.Load(image, null, [x, y, w, h], 16));
        Assert.Contains(problem, e.Message);
        Assert.Contains("--box", e.Message);
    }

    [Fact]
    public void A_box_is_mapped_through_the_same_crop_as_the_image()
    {
        using var dir = new TempDirectory();
        // 64×32 → shorter side to 16: 32×16, centre crop drops 8 px on each side. Box (16, 0, 32, 16) becomes x 0..7 at scale ½, minus 8 → 0..8.
        var image = dir.Write("wide.png", Png(64, 32, 90));
        var (rgb, hole) = InpaintingInput.Load(image, null, [16, 0, 16, 32], 16);
        Assert.Equal(16, rgb.Width);
        Assert.True(hole[0, 0] && hole[7, 15] && !hole[8, 0]);
    }

    [Fact]
    public void Neither_or_both_of_mask_and_box_is_a_usage_error()
    {
        Assert.Contains("exactly one of --mask", Assert.Throws<SpotlightException>(() => InpaintingInput.Load("x.png", null, null, 16)).Message);
        Assert.Contains("not an integer", Assert.Throws<SpotlightException>(() => InpaintingInput.ParseBox("1,2,x,4")).Message);
    }

    [Fact]
    public void The_model_refuses_an_image_of_the_wrong_size()
    {
        using var model = InpaintingModel.Create(InpaintingConfig.Tiny(16));
        var e = Assert.Throws<SpotlightException>(() => model.Fill(new RgbImage(32, 32, new byte[32 * 32 * 3]), MaskGenerator.Centre(32)));
        Assert.Equal("the model fills 16x16 images, got 32x32", e.Message);
    }

    [Fact]
    public void An_image_folder_without_images_or_missing_is_refused_by_name()
    {
        using var dir = new TempDirectory();
        dir.Write("readme.txt", "x"u8.ToArray());
        Assert.Contains("no all images", Assert.Throws<SpotlightException>(() => InpaintingImages.FromFolder(dir.Path, 16)).Message);
        Assert.Contains("image folder not found", Assert.Throws<SpotlightException>(() => InpaintingImages.FromFolder(dir.File("nope"), 16)).Message);
    }
}
