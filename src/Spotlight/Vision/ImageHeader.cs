using SkiaSharp;

namespace Spotlight.Vision;

/// <summary>
/// What an image file says about itself before any pixel is decoded. Width and Height are as stored; the
/// Display* sizes apply the EXIF orientation, which swaps the sides for the four rotated origins.
/// </summary>
public sealed record ImageHeader(int Width, int Height, string Format, SKEncodedOrigin Origin)
{
    public long Pixels => (long)Width * Height;
    public bool SidesSwapped => Origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
        or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
    public int DisplayWidth => SidesSwapped ? Height : Width;
    public int DisplayHeight => SidesSwapped ? Width : Height;

    /// <summary>Reads the header of an image file; throws when the file breaks <paramref name="limits"/>.</summary>
    public static ImageHeader Probe(string path, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        using var data = CodecOpener.ReadPath(path, limits);
        return Probe(data, path, limits);
    }

    public static ImageHeader Probe(ReadOnlySpan<byte> bytes, string nameForErrors, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        using var data = CodecOpener.ReadSpan(bytes, nameForErrors, limits);
        return Probe(data, nameForErrors, limits);
    }

    public static ImageHeader Probe(Stream stream, string nameForErrors, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        using var data = CodecOpener.ReadStream(stream, nameForErrors, limits);
        return Probe(data, nameForErrors, limits);
    }

    internal static ImageHeader Probe(SKData data, string name, ImageLimits limits)
    {
        using var codec = CodecOpener.Open(data, name);
        return FromCodec(codec, name, limits);
    }

    internal static ImageHeader FromCodec(SKCodec codec, string name, ImageLimits limits)
    {
        var info = codec.Info;
        CodecOpener.CheckPixels(name, info.Width, info.Height, limits);
        return new ImageHeader(info.Width, info.Height, CodecOpener.FormatName(codec.EncodedFormat), codec.EncodedOrigin);
    }
}
