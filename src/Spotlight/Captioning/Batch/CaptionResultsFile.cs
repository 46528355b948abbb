using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spotlight.Captioning.Batch;

/// <summary>
/// One line of a batch job's results (JSON Lines): the image as the manifest names it, the SHA-256 of its bytes,
/// either its caption or why it failed, and the shard (K/N) that wrote it.
/// </summary>
public sealed record BatchCaptionLine(
    string Path,
    string? Sha256 = null,
    string? Caption = null,
    IReadOnlyList<string>? Tokens = null,
    double? Logprob = null,
    double? Score = null,
    string? Error = null,
    string? Shard = null)
{
    public bool Failed => Error is not null;
}

/// <summary>
/// A results file that survives being killed at any byte: every line is written whole and flushed to disk per batch,
/// and on reopening, a torn last line (no newline: the process died while writing it) is cut off, so the images it
/// named are captioned again and no image is ever recorded twice. One writer at a time (an exclusive lock).
/// </summary>
public sealed class CaptionResultsFile : IDisposable
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly FileStream stream;
    private readonly Dictionary<string, BatchCaptionLine> lines;

    private CaptionResultsFile(string path, FileStream stream, Dictionary<string, BatchCaptionLine> lines, long tornBytes)
    {
        FilePath = path;
        this.stream = stream;
        this.lines = lines;
        TornBytes = tornBytes;
    }

    public string FilePath { get; }

    /// <summary>What the file holds, by image path: its lines when opened and every line appended since.</summary>
    public IReadOnlyDictionary<string, BatchCaptionLine> Existing => lines;

    /// <summary>Bytes of a torn last line cut off when opening (0 when the file ended cleanly).</summary>
    public long TornBytes { get; }

    /// <summary>Opens (or creates) the file for appending, after reading and repairing what it holds.</summary>
    public static CaptionResultsFile Open(string path)
    {
        FileStream stream;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            // FileShare.None takes an exclusive lock: two jobs writing one shard's file would interleave lines.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new SpotlightException($"{path}: cannot open the results file (is another job writing it?): {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SpotlightException($"{path}: cannot open the results file: {e.Message}");
        }
        try
        {
            var (lines, complete) = ReadLines(stream, path);
            long torn = stream.Length - complete;
            // Only what this class writes is ever cut: a tail that is not the start of a results line means the file
            // is something else (a merged results.json has no newline at all), and it is left as it is.
            if (torn > 0 && !StartsLikeALine(stream, complete))
                throw new SpotlightException($"{path}: not a Spotlight results file (it does not end with a complete results line); give --results a new file or a results file of this job");
            if (torn > 0)
            {
                stream.SetLength(complete);
                stream.Flush(true);
            }
            stream.Seek(0, SeekOrigin.End);
            return new CaptionResultsFile(path, stream, lines, torn);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static bool StartsLikeALine(FileStream stream, long offset)
    {
        var prefix = "{\"path\":"u8;
        var head = new byte[prefix.Length];
        stream.Seek(offset, SeekOrigin.Begin);
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        // A crash can tear the line anywhere, even inside these first bytes.
        return prefix[..read].SequenceEqual(head.AsSpan(0, read));
    }

    /// <summary>Reads a results file without changing it (a torn last line is left out), e.g. to merge shards.</summary>
    public static IReadOnlyList<BatchCaptionLine> ReadAll(string path) => ReadAll(path, out _);

    /// <param name="tornBytes">bytes after the last complete line: a job still writing, or one that was killed</param>
    public static IReadOnlyList<BatchCaptionLine> ReadAll(string path, out long tornBytes)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var (lines, complete) = ReadLines(stream, path);
            tornBytes = stream.Length - complete;
            return [.. lines.Values];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SpotlightException($"{path}: no such results file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpotlightException($"{path}: cannot read the results file: {e.Message}");
        }
    }

    /// <summary>Every complete line, by path (in file order), and where the last complete line ends.</summary>
    private static (Dictionary<string, BatchCaptionLine> Lines, long CompleteBytes) ReadLines(FileStream stream, string path)
    {
        var lines = new Dictionary<string, BatchCaptionLine>(StringComparer.Ordinal);
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        stream.Seek(0, SeekOrigin.Begin);
        var pending = new MemoryStream();
        long complete = 0, position = 0;
        int lineNumber = 0;
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            int start = 0;
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                pending.Write(buffer, start, i - start);
                lineNumber++;
                Add(pending.ToArray(), lineNumber, lines, firstLine, path);
                pending.SetLength(0);
                start = i + 1;
                complete = position + i + 1;
            }
            pending.Write(buffer, start, read - start);
            position += read;
        }
        return (lines, complete);
    }

    private static void Add(byte[] bytes, int lineNumber, Dictionary<string, BatchCaptionLine> lines, Dictionary<string, int> firstLine, string path)
    {
        BatchCaptionLine? line;
        try
        {
            line = JsonSerializer.Deserialize<BatchCaptionLine>(bytes, Json);
        }
        catch (JsonException e)
        {
            throw new SpotlightException($"{path}:{lineNumber}: not a results line ({e.Message.Split('.')[0]}); the file is not a Spotlight results file or was edited");
        }
        if (line is null || string.IsNullOrEmpty(line.Path) || (line.Caption is null) == (line.Error is null))
            throw new SpotlightException($"{path}:{lineNumber}: a results line needs \"path\" and either \"caption\" or \"error\"");
        if (!firstLine.TryAdd(line.Path, lineNumber))
            throw new SpotlightException($"{path}:{lineNumber}: '{line.Path}' is recorded twice (first on line {firstLine[line.Path]})");
        lines[line.Path] = line;
    }

    /// <summary>Appends these lines and flushes them to disk before returning.</summary>
    public void Append(IReadOnlyList<BatchCaptionLine> batch)
    {
        var bytes = new MemoryStream();
        foreach (var line in batch)
        {
            if (lines.ContainsKey(line.Path)) throw new InvalidOperationException($"{line.Path} is already in {FilePath}");
            JsonSerializer.Serialize(bytes, line, Json);
            bytes.WriteByte((byte)'\n');
        }
        try
        {
            stream.Write(bytes.GetBuffer(), 0, (int)bytes.Length);
            stream.Flush(true);
        }
        catch (IOException e)
        {
            // What reached the disk is at worst a torn line, which the next run cuts off.
            throw new SpotlightException($"{FilePath}: cannot write the results file ({e.Message}); free space and run again to resume");
        }
        foreach (var line in batch) lines.Add(line.Path, line);
    }

    public void Dispose() => stream.Dispose();
}
