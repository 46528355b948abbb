using Spotlight.IO;
using SkiaSharp;

namespace Spotlight.Vision;

/// <summary>PNG encoding of bitmaps and RGB images; files are written atomically (temporary sibling, then rename).</summary>
public static class PngFile
{
    public static byte[] Encode(SKBitmap bitmap)
    {
        using var pixmap = bitmap.PeekPixels() ?? throw new ArgumentException("bitmap has no pixels", nameof(bitmap));
        using var data = pixmap.Encode(SKPngEncoderOptions.Default)
            ?? throw new InvalidOperationException($"Skia could not encode a {bitmap.ColorType} bitmap as PNG");
        return data.ToArray();
    }

    /// <summary>Packed RGB bytes as an opaque PNG.</summary>
    public static byte[] Encode(RgbImage image)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0; i < image.Width * image.Height; i++)
        {
            Array.Copy(image.Data, 3 * i, rgba, 4 * i, 3);
            rgba[4 * i + 3] = 255;
        }
        using var bitmap = PixelOps.ToBitmap(rgba, image.Width, image.Height);
        return Encode(bitmap);
    }

    public static void Save(SKBitmap bitmap, string path) => AtomicFile.WriteAllBytes(path, Encode(bitmap), flushToDisk: false);
}
