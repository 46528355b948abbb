using Spotlight.IO;
using SkiaSharp;

namespace Spotlight.Vision;

/// <summary>PNG encoding of bitmaps; files are written atomically (temporary sibling, then rename).</summary>
public static class PngFile
{
    public static byte[] Encode(SKBitmap bitmap)
    {
        using var pixmap = bitmap.PeekPixels() ?? throw new ArgumentException("bitmap has no pixels", nameof(bitmap));
        using var data = pixmap.Encode(SKPngEncoderOptions.Default)
            ?? throw new InvalidOperationException($"Skia could not encode a {bitmap.ColorType} bitmap as PNG");
        return data.ToArray();
    }

    public static void Save(SKBitmap bitmap, string path) => AtomicFile.WriteAllBytes(path, Encode(bitmap), flushToDisk: false);
}
