namespace Spotlight.Vision;

/// <summary>
/// Names a file's format from its first bytes, so that a TIFF or HEIC file is reported as "unsupported format TIFF"
/// rather than "not an image", and a damaged PNG as corrupt rather than unknown.
/// </summary>
internal static class ImageSignature
{
    public static readonly string[] Supported = ["JPEG", "PNG", "WebP", "BMP", "GIF"];

    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith<byte>([0xFF, 0xD8, 0xFF])) return "JPEG";
        if (head.StartsWith<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return "PNG";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WEBP"u8)) return "WebP";
        if (head.StartsWith("BM"u8)) return "BMP";
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return "GIF";
        if (head.StartsWith<byte>([(byte)'I', (byte)'I', 42, 0]) || head.StartsWith<byte>([(byte)'M', (byte)'M', 0, 42])) return "TIFF";
        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8)) return FtypBrand(head.Slice(8, 4));
        if (head.StartsWith<byte>([0xFF, 0x0A]) || head.StartsWith<byte>([0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' '])) return "JPEG XL";
        if (head.StartsWith<byte>([0, 0, 1, 0])) return "ICO";
        if (head.StartsWith("8BPS"u8)) return "PSD";
        if (head.StartsWith("%PDF"u8)) return "PDF";
        return null;
    }

    public static bool IsSupported(string? format) => format is not null && Array.IndexOf(Supported, format) >= 0;

    private static string FtypBrand(ReadOnlySpan<byte> brand)
    {
        if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)) return "AVIF";
        if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8)) return "HEIF";
        return "ISO media (" + System.Text.Encoding.ASCII.GetString(brand) + ")";
    }
}
