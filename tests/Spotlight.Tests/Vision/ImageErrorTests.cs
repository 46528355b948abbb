using SkiaSharp;
using Spotlight.Vision;

namespace Spotlight.Tests.Vision;

public class ImageErrorTests
{
    private static SpotlightException DecodeFails(string path)
    {
        var e = Assert.Throws<SpotlightException>(() => ImageDecoder.Decode(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static byte[] BombPng() => TestImages.Png(50000, 50000, 8, 2, TestImages.Scanlines(new byte[50000 * 3]));

    [Fact]
    public void An_empty_file_is_reported_as_empty()
    {
        using var dir = new TempDirectory();
        Assert.Contains("empty file", DecodeFails(dir.Write("empty.png", [])).Message);
    }

    [Fact]
    public void A_text_file_is_not_an_image()
    {
        using var dir = new TempDirectory();
        Assert.Contains("not an image", DecodeFails(dir.Write("notes.jpg", "hello, this is text"u8.ToArray())).Message);
    }

    [Fact]
    public void A_missing_file_is_reported_as_not_found()
    {
        using var dir = new TempDirectory();
        Assert.Contains("not found", DecodeFails(dir.File("nothing.png")).Message);
    }

    [Fact]
    public void A_png_cut_in_half_is_reported_as_truncated()
    {
        using var dir = new TempDirectory();
        using var source = TestImages.Solid(64, 64, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), (byte)(x ^ y)));
        var png = TestImages.Encode(source, SKEncodedImageFormat.Png);
        Assert.Contains("truncated", DecodeFails(dir.Write("cut.png", png[..(png.Length / 2)])).Message);
    }

    [Fact]
    public void A_jpeg_cut_short_is_reported_as_truncated()
    {
        using var dir = new TempDirectory();
        using var source = TestImages.Solid(64, 64, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), (byte)(x ^ y)));
        var jpeg = TestImages.Encode(source, SKEncodedImageFormat.Jpeg);
        Assert.Contains("truncated", DecodeFails(dir.Write("cut.jpg", jpeg[..(jpeg.Length * 2 / 3)])).Message);
    }

    [Fact]
    public void A_png_whose_compressed_data_is_garbage_names_the_file()
    {
        using var dir = new TempDirectory();
        var png = TestImages.Png(8, 8, 8, 2, TestImages.Scanlines([.. Enumerable.Range(0, 8).Select(_ => new byte[24])]));
        // Overwrite the zlib stream after its 2-byte header, keeping chunk lengths (the CRC no longer matches).
        int idat = png.AsSpan().IndexOf("IDAT"u8);
        for (int i = idat + 6; i < idat + 14; i++) png[i] = 0xFF;
        DecodeFails(dir.Write("garbage.png", png));
    }

    [Fact]
    public void A_tiff_file_is_an_unsupported_format()
    {
        using var dir = new TempDirectory();
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Contains("unsupported image format TIFF", DecodeFails(dir.Write("scan.tif", tiff)).Message);
    }

    [Fact]
    public void Probe_reads_a_50000_pixel_square_png_header_without_decoding_it()
    {
        // A PNG of a few hundred bytes whose IHDR claims 50000×50000 RGB and whose data holds one row: only a
        // header read can answer, and a decoder would have to allocate 10 GB first.
        var png = BombPng();
        Assert.True(png.Length < 1000, $"{png.Length} bytes");
        var header = ImageHeader.Probe(png, "bomb.png", new ImageLimits(MaxPixels: long.MaxValue));
        Assert.Equal((50000, 50000, "PNG"), (header.Width, header.Height, header.Format));
        Assert.Equal(2_500_000_000L, header.Pixels);
    }

    [Fact]
    public void Probe_and_decode_refuse_a_png_claiming_too_many_pixels()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("bomb.png", BombPng());
        var probe = Assert.Throws<SpotlightException>(() => ImageHeader.Probe(path));
        Assert.Contains("bomb.png", probe.Message);
        Assert.Contains("2500000000 pixels exceeds the limit", probe.Message);
        // Decode refuses for the same reason, before it could find out that the pixel data is missing.
        Assert.Contains("pixels exceeds the limit", DecodeFails(path).Message);
    }

    [Fact]
    public void A_file_over_the_byte_limit_is_refused_before_reading()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("big.png", TestImages.Png(1, 1, 8, 0, TestImages.Scanlines([7])));
        var e = Assert.Throws<SpotlightException>(() => ImageDecoder.Decode(path, new ImageLimits(MaxBytes: 10)));
        Assert.Contains("more than the limit of 10", e.Message);
    }

    [Fact]
    public void Probe_reports_the_displayed_size_of_a_rotated_jpeg()
    {
        using var stored = TestImages.Solid(40, 20, (_, _) => SKColors.Green);
        var jpeg = TestImages.WithExifOrientation(TestImages.Encode(stored, SKEncodedImageFormat.Jpeg), 8);
        var header = ImageHeader.Probe(new MemoryStream(jpeg), "r.jpg");
        Assert.Equal((40, 20, 20, 40), (header.Width, header.Height, header.DisplayWidth, header.DisplayHeight));
    }
}
