namespace Spotlight.Checkpoints;

/// <summary>
/// Writes a file so that readers see either the old complete file or the new complete file, never a half-written
/// one: the bytes go to a temporary file in the same directory (so the final rename stays on one file system),
/// are flushed to disk, and only then replace the target in one rename.
/// </summary>
public static class AtomicFile
{
    /// <summary>Temporary files start with this, so a crash's leftovers are easy to recognise and delete.</summary>
    public const string TempPrefix = ".spotlight-tmp-";

    public static void Write(string path, Action<Stream> write)
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
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
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
