using SkiaSharp;
using Spotlight.Vision;

namespace Spotlight.Tests.Vision;

public class ImageDecoderTests
{
    private static (byte R, byte G, byte B, byte A) Pixel(SKBitmap bitmap, int x, int y)
    {
        Assert.Equal(SKColorType.Rgba8888, bitmap.ColorType);
        var span = bitmap.GetPixelSpan();
        int p = y * bitmap.RowBytes + x * 4;
        return (span[p], span[p + 1], span[p + 2], span[p + 3]);
    }

    [Fact]
    public void The_test_crc_matches_the_standard_check_value()
    {
        // CRC-32 of "123456789" is 0xCBF43926 (the "check" value in the Rocksoft/Williams CRC catalogue).
        Assert.Equal(0xCBF43926u, TestImages.Crc32("123456789"u8));
    }

    [Fact]
    public void An_8_bit_grey_png_becomes_rgb_with_equal_channels()
    {
        var png = TestImages.Png(2, 2, 8, 0, TestImages.Scanlines([0, 85], [170, 255]));
        using var bitmap = ImageDecoder.Decode(png, "grey.png");
        Assert.Equal((0, 0, 0, 255), Pixel(bitmap, 0, 0));
        Assert.Equal((85, 85, 85, 255), Pixel(bitmap, 1, 0));
        Assert.Equal((170, 170, 170, 255), Pixel(bitmap, 0, 1));
        Assert.Equal((255, 255, 255, 255), Pixel(bitmap, 1, 1));
    }

    [Fact]
    public void Grey_with_alpha_is_composited_over_white()
    {
        // (grey, alpha) pairs: (0,0) → white; (0,255) → black; (100,128) → round((100·128 + 255·127)/255) = 177.
        var png = TestImages.Png(3, 1, 8, 4, TestImages.Scanlines([0, 0, 0, 255, 100, 128]));
        using var bitmap = ImageDecoder.Decode(png, "grey-alpha.png");
        Assert.Equal((255, 255, 255, 255), Pixel(bitmap, 0, 0));
        Assert.Equal((0, 0, 0, 255), Pixel(bitmap, 1, 0));
        Assert.Equal((177, 177, 177, 255), Pixel(bitmap, 2, 0));
    }

    [Fact]
    public void Half_transparent_red_rgba_png_turns_pink_on_white()
    {
        // (255,0,0,128): G = B = round(255·127/255) = 127; R stays 255.
        var png = TestImages.Png(1, 1, 8, 6, TestImages.Scanlines([255, 0, 0, 128]));
        using var bitmap = ImageDecoder.Decode(png, "rgba.png");
        Assert.Equal((255, 127, 127, 255), Pixel(bitmap, 0, 0));
    }

    [Fact]
    public void A_16_bit_png_is_reduced_to_8_bits()
    {
        // 16-bit samples 0x0000, 0x4000, 0x8080, 0xFFFF: high byte and round(v/257) agree on 0, 64, 128, 255.
        byte[] row = [0x00, 0x00, 0x40, 0x00, 0x80, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00];
        var png = TestImages.Png(2, 1, 16, 2, TestImages.Scanlines(row));
        using var bitmap = ImageDecoder.Decode(png, "deep.png");
        Assert.Equal((0, 64, 128, 255), Pixel(bitmap, 0, 0));
        Assert.Equal((255, 255, 0, 255), Pixel(bitmap, 1, 0));
    }

    [Fact]
    public void A_palette_png_with_a_transparent_entry_shows_white_there()
    {
        byte[] palette = [200, 10, 20, 30, 180, 40, 0, 0, 255];
        byte[] alphas = [255, 255, 0];                  // entry 2 (blue) fully transparent
        // 4 pixels at 2 bits each: indices 0,1,2,1 → 0b00_01_10_01.
        var png = TestImages.Png(4, 1, 2, 3, TestImages.Scanlines([0b00_01_10_01]), palette, alphas);
        using var bitmap = ImageDecoder.Decode(png, "palette.png");
        Assert.Equal((200, 10, 20, 255), Pixel(bitmap, 0, 0));
        Assert.Equal((30, 180, 40, 255), Pixel(bitmap, 1, 0));
        Assert.Equal((255, 255, 255, 255), Pixel(bitmap, 2, 0));
        Assert.Equal((30, 180, 40, 255), Pixel(bitmap, 3, 0));
    }

    [Fact]
    public void A_24_bit_bmp_decodes_exactly_and_the_right_way_up()
    {
        var bmp = TestImages.Bmp24(3, 2, (x, y) => ((byte)(10 + x), (byte)(100 + y), (byte)(200 + x + y)));
        using var bitmap = ImageDecoder.Decode(bmp, "pic.bmp");
        Assert.Equal((3, 2), (bitmap.Width, bitmap.Height));
        Assert.Equal((10, 100, 200, 255), Pixel(bitmap, 0, 0));
        Assert.Equal((12, 101, 203, 255), Pixel(bitmap, 2, 1));
    }

    [Fact]
    public void A_gif_decodes_its_first_frame()
    {
        (byte, byte, byte)[] palette = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)];
        var gif = TestImages.Gif(2, 2, palette, [0, 1, 2, 3], [3, 3, 3, 3]);
        using var bitmap = ImageDecoder.Decode(gif, "anim.gif");
        Assert.Equal((255, 0, 0, 255), Pixel(bitmap, 0, 0));
        Assert.Equal((0, 255, 0, 255), Pixel(bitmap, 1, 0));
        Assert.Equal((0, 0, 255, 255), Pixel(bitmap, 0, 1));
        Assert.Equal((255, 255, 255, 255), Pixel(bitmap, 1, 1));
    }

    [Fact]
    public void A_lossless_webp_decodes_exactly()
    {
        using var source = TestImages.Solid(5, 3, (x, y) => new SKColor((byte)(x * 50), (byte)(y * 100), 77));
        using var bitmap = ImageDecoder.Decode(TestImages.WebpLossless(source), "pic.webp");
        Assert.Equal((5, 3), (bitmap.Width, bitmap.Height));
        Assert.Equal((200, 200, 77, 255), Pixel(bitmap, 4, 2));
        Assert.Equal((0, 0, 77, 255), Pixel(bitmap, 0, 0));
    }

    [Fact]
    public void An_exif_orientation_6_jpeg_is_rotated_upright()
    {
        // Stored 32×16 with a red top-left quadrant, else blue. Orientation 6 means "rotate 90° clockwise to view",
        // so the view is 16×32 and the stored top-left ends up at the top-right.
        using var stored = TestImages.Solid(32, 16, (x, y) => x < 16 && y < 8 ? new SKColor(255, 0, 0) : new SKColor(0, 0, 255));
        var jpeg = TestImages.WithExifOrientation(TestImages.Encode(stored, SKEncodedImageFormat.Jpeg), 6);
        Assert.Equal(SKEncodedOrigin.RightTop, ImageHeader.Probe(jpeg, "rot.jpg").Origin);

        using var bitmap = ImageDecoder.Decode(jpeg, "rot.jpg");
        Assert.Equal((16, 32), (bitmap.Width, bitmap.Height));
        var topRight = Pixel(bitmap, 12, 4);
        var topLeft = Pixel(bitmap, 3, 4);
        var bottomRight = Pixel(bitmap, 12, 28);
        Assert.True(topRight.R > 200 && topRight.B < 60, $"top-right should be red, got {topRight}");
        Assert.True(topLeft.B > 200 && topLeft.R < 60, $"top-left should be blue, got {topLeft}");
        Assert.True(bottomRight.B > 200 && bottomRight.R < 60, $"bottom-right should be blue, got {bottomRight}");
    }

    [Fact]
    public void A_large_jpeg_is_decoded_at_a_reduced_scale_when_asked()
    {
        using var source = TestImages.Solid(400, 300, (x, y) => new SKColor((byte)x, (byte)y, 50));
        var jpeg = TestImages.Encode(source, SKEncodedImageFormat.Jpeg);
        using var full = ImageDecoder.Decode(jpeg, "big.jpg");
        using var reduced = ImageDecoder.Decode(jpeg, "big.jpg", minShorterSide: 64);
        Assert.Equal((400, 300), (full.Width, full.Height));
        // 1/4 scale keeps the shorter side at 75 ≥ 64; 1/8 (38) would be too small.
        Assert.Equal((100, 75), (reduced.Width, reduced.Height));
    }

    [Fact]
    public void A_png_is_never_downscaled_by_the_decoder()
    {
        var png = TestImages.Encode(TestImages.Solid(200, 100, (_, _) => SKColors.Gray), SKEncodedImageFormat.Png);
        using var bitmap = ImageDecoder.Decode(png, "p.png", minShorterSide: 10);
        Assert.Equal((200, 100), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Decoding_from_a_file_and_from_a_stream_agree()
    {
        using var dir = new TempDirectory();
        var png = TestImages.Png(2, 1, 8, 2, TestImages.Scanlines([1, 2, 3, 4, 5, 6]));
        var path = dir.Write("a.png", png);
        using var fromFile = ImageDecoder.Decode(path);
        using var fromStream = ImageDecoder.Decode(new MemoryStream(png), "a.png");
        Assert.Equal(fromFile.GetPixelSpan().ToArray(), fromStream.GetPixelSpan().ToArray());
        Assert.Equal((4, 5, 6, 255), Pixel(fromFile, 1, 0));
    }
}
