namespace Spotlight.Vision;

/// <summary>
/// Packed 8-bit RGB pixels, rows top to bottom (height, width, 3). The compact form an image is cached in between
/// decoding and normalisation: 12 KB for 64×64.
/// </summary>
public sealed record RgbImage(int Width, int Height, byte[] Data)
{
    public static RgbImage FromRgba(ReadOnlySpan<byte> rgba, int width, int height)
    {
        if (rgba.Length != width * height * 4) throw new ArgumentException("RGBA buffer does not match the size", nameof(rgba));
        var rgb = new byte[width * height * 3];
        for (int p = 0, q = 0; p < rgba.Length; p += 4, q += 3)
        {
            rgb[q] = rgba[p];
            rgb[q + 1] = rgba[p + 1];
            rgb[q + 2] = rgba[p + 2];
        }
        return new RgbImage(width, height, rgb);
    }

    public RgbImage Crop(int left, int top, int width, int height)
    {
        if (left < 0 || top < 0 || left + width > Width || top + height > Height)
            throw new ArgumentOutOfRangeException(nameof(left), "crop falls outside the image");
        var result = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            Data.AsSpan(((top + y) * Width + left) * 3, width * 3).CopyTo(result.AsSpan(y * width * 3));
        return new RgbImage(width, height, result);
    }
}
