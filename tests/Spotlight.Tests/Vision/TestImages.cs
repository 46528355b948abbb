using System.IO.Compression;
using SkiaSharp;

namespace Spotlight.Tests.Vision;

/// <summary>
/// Image files built byte by byte, so each test controls exactly what the decoder sees: PNG chunks with real CRCs
/// (PNG spec §5.5), 24-bit BMP, GIF with LZW data, and JPEG with a hand-spliced EXIF APP1 segment.
/// </summary>
internal static class TestImages
{
    // ---- PNG ----

    public static byte[] Png(int width, int height, byte bitDepth, byte colourType, byte[] scanlines,
        byte[]? palette = null, byte[]? transparency = null)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        WriteBigEndian(ihdr, 0, (uint)width);
        WriteBigEndian(ihdr, 4, (uint)height);
        ihdr[8] = bitDepth;
        ihdr[9] = colourType;            // 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
        Chunk(png, "IHDR", ihdr);
        if (palette is not null) Chunk(png, "PLTE", palette);
        if (transparency is not null) Chunk(png, "tRNS", transparency);
        Chunk(png, "IDAT", Zlib(scanlines));
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Rows with filter type 0 (None) in front of each, as IDAT expects before compression.</summary>
    public static byte[] Scanlines(params byte[][] rows) => [.. rows.SelectMany(r => new byte[] { 0 }.Concat(r))];

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var header = new byte[8];
        WriteBigEndian(header, 0, (uint)data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(header, 4);
        png.Write(header);
        png.Write(data);
        var crcInput = header[4..].Concat(data).ToArray();
        var crc = new byte[4];
        WriteBigEndian(crc, 0, Crc32(crcInput));
        png.Write(crc);
    }

    private static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Optimal)) z.Write(data);
        return output.ToArray();
    }

    private static void WriteBigEndian(byte[] buffer, int offset, uint value)
    {
        buffer[offset] = (byte)(value >> 24);
        buffer[offset + 1] = (byte)(value >> 16);
        buffer[offset + 2] = (byte)(value >> 8);
        buffer[offset + 3] = (byte)value;
    }

    // ---- BMP: 24-bit, bottom-up rows padded to 4 bytes, BGR order (BITMAPINFOHEADER). ----

    public static byte[] Bmp24(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel)
    {
        int rowBytes = (width * 3 + 3) / 4 * 4, imageBytes = rowBytes * height;
        var bmp = new byte[54 + imageBytes];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BitConverter.TryWriteBytes(bmp.AsSpan(2), 54 + imageBytes);
        BitConverter.TryWriteBytes(bmp.AsSpan(10), 54);         // pixel data offset
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40);         // header size
        BitConverter.TryWriteBytes(bmp.AsSpan(18), width);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), height);     // positive: bottom-up
        BitConverter.TryWriteBytes(bmp.AsSpan(26), (short)1);   // planes
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)24);  // bits per pixel
        BitConverter.TryWriteBytes(bmp.AsSpan(34), imageBytes);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * rowBytes;
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                bmp[row + x * 3] = b;
                bmp[row + x * 3 + 1] = g;
                bmp[row + x * 3 + 2] = r;
            }
        }
        return bmp;
    }

    // ---- GIF89a with a 4-colour global palette; each frame's LZW stream resets the table every two codes. ----

    public static byte[] Gif(int width, int height, (byte R, byte G, byte B)[] palette, params byte[][] frames)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        gif.Write(BitConverter.GetBytes((ushort)width));
        gif.Write(BitConverter.GetBytes((ushort)height));
        gif.Write([0xF1, 0, 0]);                  // global table present, 2^(1+1) = 4 entries
        for (int i = 0; i < 4; i++)
        {
            var (r, g, b) = i < palette.Length ? palette[i] : ((byte)0, (byte)0, (byte)0);
            gif.Write([r, g, b]);
        }
        foreach (var indices in frames)
        {
            gif.Write([0x21, 0xF9, 4, 0, 10, 0, 0, 0]);   // graphic control: 0.1 s delay, no transparency
            gif.WriteByte(0x2C);                         // image descriptor: whole canvas, no local table
            gif.Write([0, 0, 0, 0]);
            gif.Write(BitConverter.GetBytes((ushort)width));
            gif.Write(BitConverter.GetBytes((ushort)height));
            gif.WriteByte(0);
            gif.WriteByte(2);                            // LZW minimum code size
            var lzw = LzwWithoutCompression(indices);
            for (int i = 0; i < lzw.Length; i += 255)
            {
                int n = Math.Min(255, lzw.Length - i);
                gif.WriteByte((byte)n);
                gif.Write(lzw, i, n);
            }
            gif.WriteByte(0);
        }
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>
    /// 3-bit codes: clear (4), then at most two pixel codes before the next clear, so the decoder's table never grows
    /// to 8 entries and the code width never changes (GIF89a appendix F); end with code 5.
    /// </summary>
    private static byte[] LzwWithoutCompression(byte[] indices)
    {
        var codes = new List<int>();
        for (int i = 0; i < indices.Length; i++)
        {
            if (i % 2 == 0) codes.Add(4);
            codes.Add(indices[i]);
        }
        codes.Add(5);
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var code in codes)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                bytes.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }
        if (bits > 0) bytes.Add((byte)buffer);
        return [.. bytes];
    }

    // ---- JPEG / WebP through Skia, EXIF by hand ----

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 95)
    {
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] WebpLossless(SKBitmap bitmap)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100));
        return data!.ToArray();
    }

    /// <summary>
    /// Inserts an APP1 segment right after SOI: "Exif\0\0", a little-endian TIFF header, and one IFD entry
    /// (tag 0x0112 Orientation, type SHORT, count 1, value).
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,          // header, first IFD at offset 8
            1, 0,                                            // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, (byte)(orientation >> 8), 0, 0,
            0, 0, 0, 0,                                      // no next IFD
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        int length = payload.Length + 2;
        var segment = new byte[] { 0xFF, 0xE1, (byte)(length >> 8), (byte)length }.Concat(payload);
        return [.. jpeg.Take(2).Concat(segment).Concat(jpeg.Skip(2))];
    }

    public static SKBitmap Solid(int width, int height, Func<int, int, SKColor> colour)
    {
        // Written into the pixel buffer directly: SKBitmap.SetPixel is a native call per pixel and slow.
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pixels = bitmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var c = colour(x, y);
                int p = y * bitmap.RowBytes + x * 4;
                (pixels[p], pixels[p + 1], pixels[p + 2], pixels[p + 3]) = (c.Red, c.Green, c.Blue, c.Alpha);
            }
        return bitmap;
    }
}
