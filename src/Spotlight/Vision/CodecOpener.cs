using SkiaSharp;

namespace Spotlight.Vision;

/// <summary>
/// Gets an image's bytes and a Skia codec for them, turning every way that can fail into one SpotlightException line
/// that names the file. Creating a codec parses only the header; no pixel is decoded here.
/// </summary>
internal static class CodecOpener
{
    public static SKData ReadPath(string path, ImageLimits limits)
    {
        var file = IO.LinkedFile.Resolve(path);
        if (!file.Exists) throw new SpotlightException($"{path}: image file not found");
        if (file.Length == 0) throw new SpotlightException($"{path}: empty file");
        CheckBytes(path, file.Length, limits);
        // Memory-mapped: a probe touches only the header pages.
        return SKData.Create(path) ?? throw new SpotlightException($"{path}: could not be read");
    }

    public static SKData ReadSpan(ReadOnlySpan<byte> bytes, string name, ImageLimits limits)
    {
        if (bytes.Length == 0) throw new SpotlightException($"{name}: empty file");
        CheckBytes(name, bytes.Length, limits);
        return SKData.CreateCopy(bytes);
    }

    public static SKData ReadStream(Stream stream, string name, ImageLimits limits)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            CheckBytes(name, buffer.Length, limits);   // stop reading as soon as the stream is too long
        }
        return ReadSpan(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), name, limits);
    }

    /// <summary>Opens a codec and checks the format is one we promise to read.</summary>
    public static SKCodec Open(SKData data, string name)
    {
        var head = data.AsSpan()[..Math.Min(32, (int)data.Size)];
        var sniffed = ImageSignature.Sniff(head);
        var codec = SKCodec.Create(data);
        if (codec is null)
        {
            if (sniffed is not null && !ImageSignature.IsSupported(sniffed)) throw Unsupported(name, sniffed);
            if (sniffed is not null) throw new SpotlightException($"{name}: truncated or corrupt {sniffed} header");
            throw new SpotlightException($"{name}: not an image (no JPEG, PNG, WebP, BMP or GIF signature)");
        }
        var format = FormatName(codec.EncodedFormat);
        if (!ImageSignature.IsSupported(format))
        {
            codec.Dispose();
            throw Unsupported(name, format);
        }
        return codec;
    }

    public static string FormatName(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => "JPEG",
        SKEncodedImageFormat.Png => "PNG",
        SKEncodedImageFormat.Webp => "WebP",
        SKEncodedImageFormat.Bmp => "BMP",
        SKEncodedImageFormat.Gif => "GIF",
        _ => format.ToString().ToUpperInvariant(),
    };

    public static void CheckPixels(string name, int width, int height, ImageLimits limits)
    {
        long pixels = (long)width * height;
        if (pixels > limits.MaxPixels)
            throw new SpotlightException(
                $"{name}: {width}x{height} = {pixels} pixels exceeds the limit of {limits.MaxPixels} (ImageLimits.MaxPixels)");
    }

    private static void CheckBytes(string name, long length, ImageLimits limits)
    {
        if (length > limits.MaxBytes)
            throw new SpotlightException($"{name}: file is {length} bytes, more than the limit of {limits.MaxBytes} (ImageLimits.MaxBytes)");
    }

    private static SpotlightException Unsupported(string name, string format) =>
        new($"{name}: unsupported image format {format} (Spotlight reads {string.Join(", ", ImageSignature.Supported)})");
}
