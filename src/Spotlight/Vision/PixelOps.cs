using SkiaSharp;

namespace Spotlight.Vision;

/// <summary>Pixel-exact operations on tightly packed RGBA8888 (4 bytes per pixel, rows top to bottom).</summary>
internal static class PixelOps
{
    /// <summary>
    /// Composites unpremultiplied RGBA over an opaque background and sets alpha to 255:
    /// c' = round((c·a + bg·(255 − a)) / 255).
    /// </summary>
    public static void CompositeOver(Span<byte> rgba, byte background)
    {
        for (int i = 0; i < rgba.Length; i += 4)
        {
            int a = rgba[i + 3];
            if (a == 255) continue;
            int rest = background * (255 - a);
            rgba[i] = (byte)((rgba[i] * a + rest + 127) / 255);
            rgba[i + 1] = (byte)((rgba[i + 1] * a + rest + 127) / 255);
            rgba[i + 2] = (byte)((rgba[i + 2] * a + rest + 127) / 255);
            rgba[i + 3] = 255;
        }
    }

    /// <summary>
    /// Turns stored pixels into display pixels for an EXIF origin (TIFF 6.0 Orientation 1–8).
    /// Returns the input array unchanged for TopLeft.
    /// </summary>
    public static byte[] Orient(byte[] rgba, int width, int height, SKEncodedOrigin origin, out int outWidth, out int outHeight)
    {
        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
            or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        outWidth = swap ? height : width;
        outHeight = swap ? width : height;
        if (origin == SKEncodedOrigin.TopLeft) return rgba;

        var src = MemoryMarshalUInts(rgba);
        var result = new byte[rgba.Length];
        var dst = MemoryMarshalUInts(result);
        int w = width, h = height, ow = outWidth;
        for (int y = 0; y < outHeight; y++)
        {
            for (int x = 0; x < outWidth; x++)
            {
                // (sx, sy) is the stored pixel shown at display (x, y).
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
                    _ => (x, y),
                };
                dst[y * ow + x] = src[sy * w + sx];
            }
        }
        return result;
    }

    /// <summary>Copies tightly packed RGBA bytes into a new opaque RGBA8888 bitmap.</summary>
    public static SKBitmap ToBitmap(ReadOnlySpan<byte> rgba, int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        rgba.CopyTo(bitmap.GetPixelSpan());
        return bitmap;
    }

    /// <summary>Reads any bitmap as tightly packed, unpremultiplied RGBA8888 bytes.</summary>
    public static byte[] ReadRgba(SKBitmap bitmap)
    {
        var info = new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var converted = new SKBitmap(info);
        using var source = bitmap.PeekPixels();
        if (source is null || !source.ReadPixels(converted.PeekPixels()))
            throw new ArgumentException($"cannot read pixels of a {bitmap.ColorType} bitmap", nameof(bitmap));
        var bytes = converted.GetPixelSpan().ToArray();
        return bytes;
    }

    private static Span<uint> MemoryMarshalUInts(byte[] bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(bytes.AsSpan());
}
