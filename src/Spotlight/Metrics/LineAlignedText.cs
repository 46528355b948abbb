using System.IO.Compression;
using System.Text;

namespace Spotlight.Metrics;

/// <summary>Reads the line-aligned text files translation metrics score (plain or .gz, UTF-8).</summary>
public static class LineAlignedText
{
    public static IReadOnlyList<string> ReadLines(string path)
    {
        if (!File.Exists(path)) throw new SpotlightException($"{path}: no such file");
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true));
            var lines = new List<string>();
            while (reader.ReadLine() is { } line) lines.Add(line);
            return lines;
        }
        catch (DecoderFallbackException)
        {
            throw new SpotlightException($"{path}: not valid UTF-8 text");
        }
        catch (InvalidDataException e)
        {
            throw new SpotlightException($"{path}: not a valid gzip file ({e.Message})");
        }
    }

    /// <summary>The hypotheses and each reference stream, checked to have the same number of lines.</summary>
    public static (IReadOnlyList<string> Hypotheses, IReadOnlyList<IReadOnlyList<string?>> References) ReadAligned(string hypothesisPath, IReadOnlyList<string> referencePaths)
    {
        var hypotheses = ReadLines(hypothesisPath);
        var streams = new List<IReadOnlyList<string?>>();
        foreach (var path in referencePaths)
        {
            var lines = ReadLines(path);
            if (lines.Count != hypotheses.Count)
                throw new SpotlightException($"{path}: has {lines.Count} lines but {hypothesisPath} has {hypotheses.Count}; the files must be line-aligned");
            streams.Add(lines);
        }
        return (hypotheses, streams);
    }
}
