using SkiaSharp;

namespace Spotlight.Vision;

/// <summary>
/// Decodes JPEG, PNG, WebP, BMP and GIF (first frame) into an opaque RGBA8888 bitmap in sRGB, upright:
/// the EXIF orientation is applied, grey becomes RGB, and transparency is composited over white
/// (<see cref="TransparentBackground"/>), the colour a transparent pixel shows on a page.
/// Every failure is a <see cref="SpotlightException"/> whose one-line message names the file.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Grey level that transparent pixels are composited over.</summary>
    public const byte TransparentBackground = 255;

    // Scales that libjpeg-turbo and libwebp can decode to directly, smallest first.
    private static readonly float[] DecodeScales = [0.125f, 0.25f, 0.5f];

    /// <summary>
    /// Decodes a file. When <c>minShorterSide</c> is positive, a JPEG or WebP image may be decoded at 1/2, 1/4 or
    /// 1/8 scale (never below that many pixels on its shorter side), which saves memory and time for photographs much
    /// larger than the model's input. Other formats are always decoded at full size.
    /// </summary>
    public static SKBitmap Decode(string path, ImageLimits? limits = null, int minShorterSide = 0)
    {
        limits ??= ImageLimits.Default;
        using var data = CodecOpener.ReadPath(path, limits);
        return Decode(data, path, limits, minShorterSide);
    }

    public static SKBitmap Decode(ReadOnlySpan<byte> bytes, string nameForErrors, ImageLimits? limits = null, int minShorterSide = 0)
    {
        limits ??= ImageLimits.Default;
        using var data = CodecOpener.ReadSpan(bytes, nameForErrors, limits);
        return Decode(data, nameForErrors, limits, minShorterSide);
    }

    public static SKBitmap Decode(Stream stream, string nameForErrors, ImageLimits? limits = null, int minShorterSide = 0)
    {
        limits ??= ImageLimits.Default;
        using var data = CodecOpener.ReadStream(stream, nameForErrors, limits);
        return Decode(data, nameForErrors, limits, minShorterSide);
    }

    private static SKBitmap Decode(SKData data, string name, ImageLimits limits, int minShorterSide)
    {
        using var codec = CodecOpener.Open(data, name);
        var header = ImageHeader.FromCodec(codec, name, limits);   // refuses oversized images before allocating
        var size = DecodeSize(codec, minShorterSide);
        using var srgb = SKColorSpace.CreateSrgb();
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, srgb);
        if (info.BytesSize64 > Array.MaxLength)
            throw new SpotlightException($"{name}: {size.Width}x{size.Height} is too large to decode in one piece (at most about 536 million pixels)");
        var rgba = new byte[info.BytesSize64];
        var result = codec.GetPixels(info, rgba);
        if (result == SKCodecResult.InvalidScale && size != codec.Info.Size)
        {
            info = info.WithSize(codec.Info.Width, codec.Info.Height);
            rgba = new byte[info.BytesSize64];
            result = codec.GetPixels(info, rgba);
        }
        ThrowIfFailed(result, name, header.Format);

        if (codec.Info.AlphaType != SKAlphaType.Opaque) PixelOps.CompositeOver(rgba, TransparentBackground);
        var upright = PixelOps.Orient(rgba, info.Width, info.Height, codec.EncodedOrigin, out int width, out int height);
        return PixelOps.ToBitmap(upright, width, height);
    }

    private static SKSizeI DecodeSize(SKCodec codec, int minShorterSide)
    {
        var full = codec.Info.Size;
        if (minShorterSide <= 0) return full;
        foreach (var scale in DecodeScales)
        {
            var scaled = codec.GetScaledDimensions(scale);
            if (scaled.Width <= 0 || scaled.Height <= 0 || scaled == full) continue;
            if (Math.Min(scaled.Width, scaled.Height) >= minShorterSide) return scaled;
        }
        return full;
    }

    private static void ThrowIfFailed(SKCodecResult result, string name, string format)
    {
        switch (result)
        {
            case SKCodecResult.Success:
                return;
            case SKCodecResult.IncompleteInput:
                throw new SpotlightException($"{name}: truncated {format} image (the data ends before the last row)");
            case SKCodecResult.ErrorInInput:
            case SKCodecResult.InvalidInput:
                throw new SpotlightException($"{name}: corrupt {format} image data");
            default:
                throw new SpotlightException($"{name}: {format} image could not be decoded ({result})");
        }
    }
}
