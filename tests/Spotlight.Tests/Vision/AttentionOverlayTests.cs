using SkiaSharp;
using Spotlight.Vision;

namespace Spotlight.Tests.Vision;

public class AttentionOverlayTests
{
    [Fact]
    public void Viridis_ends_are_its_published_first_and_last_colours()
    {
        Assert.Equal(((byte)68, (byte)1, (byte)84), Colormap.Viridis(0));      // #440154
        Assert.Equal(((byte)253, (byte)231, (byte)37), Colormap.Viridis(1));   // #fde725
        Assert.Equal(((byte)38, (byte)130, (byte)142), Colormap.Viridis(0.5f)); // #26828e
    }

    [Fact]
    public void All_attention_on_the_top_left_cell_colours_the_top_left_brightest()
    {
        // 2×2 grid on a white 4×4 image, opacity 0.6. Pixel (0,0) samples cell (0,0) = max → viridis(1) = (253,231,37):
        //   round(255·.4 + 253·.6) = 254, round(102 + 138.6) = 241, round(102 + 22.2) = 124.
        // Pixel (3,3) samples cell (1,1) = 0 → viridis(0) = (68,1,84): 143, 103, 152.
        using var white = TestImages.Solid(4, 4, (_, _) => SKColors.White);
        using var overlay = AttentionOverlay.Render(white, [1f, 0f, 0f, 0f], 2, 2);
        Assert.Equal((4, 4), (overlay.Width, overlay.Height));
        Assert.Equal(new SKColor(254, 241, 124), overlay.GetPixel(0, 0));
        Assert.Equal(new SKColor(143, 103, 152), overlay.GetPixel(3, 3));
    }

    [Fact]
    public void Zero_opacity_leaves_the_image_unchanged()
    {
        using var image = TestImages.Solid(6, 5, (x, y) => new SKColor((byte)(x * 40), (byte)(y * 50), 7));
        using var overlay = AttentionOverlay.Render(image, [0.2f, 0.5f, 0.3f], 1, 3, new AttentionOverlayOptions(Opacity: 0));
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 6; x++)
                Assert.Equal(image.GetPixel(x, y), overlay.GetPixel(x, y));
    }

    [Fact]
    public void A_weight_count_that_does_not_match_the_grid_is_refused()
    {
        using var image = TestImages.Solid(4, 4, (_, _) => SKColors.White);
        Assert.Throws<ArgumentException>(() => AttentionOverlay.Render(image, [1f, 2f, 3f], 2, 2));
    }

    [Fact]
    public void A_saved_png_decodes_to_the_same_pixels()
    {
        using var dir = new TempDirectory();
        using var image = TestImages.Solid(7, 3, (x, y) => new SKColor((byte)(x * 30), (byte)(y * 80), 200));
        var path = dir.File("out/overlay.png");
        PngFile.Save(image, path);
        using var back = ImageDecoder.Decode(path);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 7; x++)
                Assert.Equal(image.GetPixel(x, y), back.GetPixel(x, y));
        Assert.Single(Directory.GetFiles(dir.File("out")));   // no temporary file left behind
    }
}
