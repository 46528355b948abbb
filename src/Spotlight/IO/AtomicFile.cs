namespace Spotlight.IO;

/// <summary>
/// Writes a file so that readers see either the old complete file or the new complete file, never a half-written
/// one: the bytes go to a temporary file in the same directory (so the final rename stays on one file system),
/// are flushed to disk, and only then replace the target in one rename.
/// </summary>
public static class AtomicFile
{
    /// <summary>Temporary files start with this, so a crash's leftovers are easy to recognise and delete.</summary>
    public const string TempPrefix = ".spotlight-tmp-";

    /// <param name="path">the file to replace</param>
    /// <param name="write">writes the whole new content</param>
    /// <param name="flushToDisk">fsync before the rename (model files, checkpoints); false for cheap, re-creatable
    /// files such as thousands of generated PNGs, which are still never seen half-written.</param>
    public static void Write(string path, Action<Stream> write, bool flushToDisk = true)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $"{TempPrefix}{Path.GetFileName(fullPath)}-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool flushToDisk = true)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy), flushToDisk);
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temp file, which cannot harm the target.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
