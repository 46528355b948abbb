using System.Security.Cryptography;
using System.Text;

namespace Spotlight.Captioning.Batch;

/// <summary>
/// The images of a batch job, in a fixed order: a manifest file (one path per line; blank lines and lines starting
/// with # are skipped; relative paths are relative to the manifest's folder) or a folder (its images, recursively,
/// sorted by relative path). Each entry keeps the path as written, which is what results and shards are keyed by.
/// </summary>
public sealed record CaptionManifest(string Source, IReadOnlyList<ManifestEntry> Entries)
{
    public static readonly IReadOnlySet<string> ImageExtensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif" };

    public static CaptionManifest Read(string fileOrFolder)
    {
        if (Directory.Exists(fileOrFolder)) return FromFolder(fileOrFolder);
        if (!File.Exists(fileOrFolder)) throw new SpotlightException($"{fileOrFolder}: no such manifest file or folder");
        var root = Path.GetDirectoryName(Path.GetFullPath(fileOrFolder))!;
        var entries = new List<ManifestEntry>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (var raw in ReadLines(fileOrFolder))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.Contains('\0')) throw new SpotlightException($"{fileOrFolder}:{lineNumber}: not a text manifest (a NUL byte); expected one image path per line");
            if (!seen.TryAdd(line, lineNumber))
                throw new SpotlightException($"{fileOrFolder}:{lineNumber}: '{line}' is listed twice (first on line {seen[line]})");
            entries.Add(new ManifestEntry(line, Path.IsPathRooted(line) ? line : Path.Combine(root, line)));
        }
        if (entries.Count == 0) throw new SpotlightException($"{fileOrFolder}: the manifest lists no images");
        return new CaptionManifest(fileOrFolder, entries);
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
        }
        catch (DecoderFallbackException)
        {
            throw new SpotlightException($"{path}: not UTF-8 text; expected one image path per line");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpotlightException($"{path}: cannot read the manifest: {e.Message}");
        }
    }

    private static CaptionManifest FromFolder(string folder)
    {
        List<ManifestEntry> entries;
        try
        {
            entries = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f)))
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .Select(relative => new ManifestEntry(relative, Path.Combine(folder, relative)))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpotlightException($"{folder}: cannot list the folder's images: {e.Message}");
        }
        if (entries.Count == 0) throw new SpotlightException($"{folder}: folder has no images (.jpg .jpeg .png .webp .bmp .gif)");
        return new CaptionManifest(folder, entries);
    }

    /// <summary>This shard's entries, in manifest order.</summary>
    public IReadOnlyList<ManifestEntry> For(ShardSpec shard) => Entries.Where(e => shard.Owns(e.Name)).ToList();
}

/// <summary>An image of a manifest: <see cref="Name"/> as listed (the key in results), <see cref="Path"/> to open.</summary>
public sealed record ManifestEntry(string Name, string Path);

/// <summary>
/// Shard K of N (K from 0, as Kubernetes' JOB_COMPLETION_INDEX): an image belongs to the shard its name hashes to, so
/// the split does not depend on the manifest's order, and every image is in exactly one shard.
/// </summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    public static readonly ShardSpec Whole = new(0, 1);

    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        const System.Globalization.NumberStyles digits = System.Globalization.NumberStyles.None;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (parts.Length == 2 && int.TryParse(parts[0], digits, invariant, out var k) && int.TryParse(parts[1], digits, invariant, out var n)
            && n >= 1 && n <= 100_000 && k < n)
            return new ShardSpec(k, n);
        throw new SpotlightException($"--shard: '{text}' is not K/N with 0 ≤ K < N ≤ 100000 (e.g. 0/4 … 3/4)");
    }

    public bool Owns(string name)
    {
        if (Count == 1) return true;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        // Little-endian on every machine, so a shard means the same images everywhere.
        ulong bucket = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash);
        return (int)(bucket % (ulong)Count) == Index;
    }

    public override string ToString() => $"{Index}/{Count}";
}
