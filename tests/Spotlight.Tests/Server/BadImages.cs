using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Server;

/// <summary>Hostile and broken uploads, built byte by byte.</summary>
internal static class BadImages
{
    /// <summary>
    /// A valid PNG (chunks with correct CRCs) whose IHDR claims width × height RGB and whose IDAT holds one row of
    /// zeros: a few hundred bytes that a decoder would have to allocate width × height × 4 bytes for.
    /// </summary>
    public static byte[] PngClaiming(int width, int height) => TestImages.Png(width, height, 8, 2, TestImages.Scanlines(new byte[width * 3]));

    /// <summary>A BMP file header and BITMAPINFOHEADER claiming width × height 24-bit pixels, and nothing after.</summary>
    public static byte[] BmpClaiming(int width, int height)
    {
        var bmp = new byte[54];
        "BM"u8.CopyTo(bmp);
        BitConverter.GetBytes(54 + width * 3L * height > int.MaxValue ? int.MaxValue : (int)(54 + width * 3L * height)).CopyTo(bmp, 2);
        BitConverter.GetBytes(54).CopyTo(bmp, 10);          // pixel data offset
        BitConverter.GetBytes(40).CopyTo(bmp, 14);          // BITMAPINFOHEADER size
        BitConverter.GetBytes(width).CopyTo(bmp, 18);
        BitConverter.GetBytes(height).CopyTo(bmp, 22);
        BitConverter.GetBytes((short)1).CopyTo(bmp, 26);    // planes
        BitConverter.GetBytes((short)24).CopyTo(bmp, 28);   // bits per pixel
        return bmp;
    }

    /// <summary>A GIF whose logical screen and only frame claim width × height, with the image data cut off.</summary>
    public static byte[] GifClaiming(int width, int height)
    {
        var gif = new List<byte>("GIF89a"u8.ToArray());
        gif.AddRange(BitConverter.GetBytes((ushort)width));
        gif.AddRange(BitConverter.GetBytes((ushort)height));
        gif.AddRange([0x80, 0, 0, 0, 0, 0, 255, 255, 255]);   // global colour table of 2 entries
        gif.AddRange([0x2C, 0, 0, 0, 0]);                     // image descriptor at (0, 0)
        gif.AddRange(BitConverter.GetBytes((ushort)width));
        gif.AddRange(BitConverter.GetBytes((ushort)height));
        gif.AddRange([0, 2]);                                 // no local table; LZW minimum code size 2, then nothing
        return [.. gif];
    }

    /// <summary>A little-endian TIFF header: a real image format the server does not read.</summary>
    public static byte[] Tiff() => [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public static byte[] Truncated(byte[] image, int keep) => image[..keep];

    public static byte[] BitFlipped(byte[] image, Random random, int flips)
    {
        var copy = (byte[])image.Clone();
        for (int i = 0; i < flips; i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }
}
