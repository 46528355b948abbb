using System.IO.Compression;
using System.Text;

namespace Spotlight.Translation;

/// <summary>One line of a text file: its 1-based number, its text, or why it could not be read.</summary>
public readonly record struct TextLine(int Number, string? Text, string? Problem);

/// <summary>
/// Reads a UTF-8 text file (plain, or gzip when the name ends in <c>.gz</c>) line by line without ever failing on
/// content: a line that is not valid UTF-8 comes back with <see cref="TextLine.Problem"/> set and no text, so the
/// caller can skip it and say where. Line ends are \n or \r\n; a UTF-8 byte-order mark at the start is dropped.
/// </summary>
public static class TextLines
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static List<TextLine> Read(string path)
    {
        if (!File.Exists(path)) throw new SpotlightException($"{path}: file not found");
        byte[] bytes;
        try
        {
            bytes = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? Gunzip(path) : File.ReadAllBytes(path);
        }
        catch (InvalidDataException e)
        {
            throw new SpotlightException($"{path}: not a valid gzip file ({e.Message.ReplaceLineEndings(" ")})");
        }
        return Split(bytes);
    }

    /// <summary>Splits raw bytes into lines (exposed for tests and for text that is already in memory).</summary>
    public static List<TextLine> Split(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        var lines = new List<TextLine>();
        int number = 0;
        while (bytes.Length > 0)
        {
            int end = bytes.IndexOf((byte)'\n');
            var line = end < 0 ? bytes : bytes[..end];
            bytes = end < 0 ? [] : bytes[(end + 1)..];
            if (line.EndsWith("\r"u8)) line = line[..^1];
            number++;
            try
            {
                lines.Add(new TextLine(number, Strict.GetString(line), null));
            }
            catch (DecoderFallbackException e)
            {
                lines.Add(new TextLine(number, null, $"invalid UTF-8 at byte {e.Index + 1} of the line"));
            }
        }
        return lines;
    }

    private static byte[] Gunzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
