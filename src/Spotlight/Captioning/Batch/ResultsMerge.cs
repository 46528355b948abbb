using System.Text.Json;
using System.Text.RegularExpressions;
using Spotlight.IO;

namespace Spotlight.Captioning.Batch;

/// <summary>Which <c>image_id</c> a merged result gets: the file name (Flickr8k and Karpathy splits key by it), the
/// path as the manifest lists it, or the last run of digits in the file name (COCO's numeric ids).</summary>
public enum ImageIdKind { Name, Path, Number }

/// <summary>What a merge found besides the captions; <paramref name="Torn"/>: files that end in an incomplete line (left out).</summary>
public sealed record ResultsMergeSummary(int Captions, IReadOnlyList<BatchCaptionLine> Failed, IReadOnlyList<string> Missing,
    IReadOnlyList<string>? Torn = null);

/// <summary>
/// Merges shard results into one COCO results file (<c>[{"image_id", "caption"}]</c>, sorted by id) for
/// <c>spotlight score</c>: an image recorded by two shards is refused (shards must not overlap), failures are
/// reported, and with the manifest, images that no shard recorded are listed as missing.
/// </summary>
public static partial class ResultsMerge
{
    /// <param name="allowMissing">write the results even when the manifest lists images that no shard recorded</param>
    public static ResultsMergeSummary Merge(IReadOnlyList<string> shardFiles, string outPath, ImageIdKind idKind = ImageIdKind.Name, string? manifest = null,
        bool allowMissing = false)
    {
        if (shardFiles.Count == 0) throw new SpotlightException("results merge: give at least one results file");
        var from = new Dictionary<string, string>(StringComparer.Ordinal);
        var captions = new List<(string Id, string Path, string Caption)>();
        var failed = new List<BatchCaptionLine>();
        var splits = new Dictionary<string, string>(StringComparer.Ordinal);   // shard count ("/N") → a file that has it
        var torn = new List<string>();
        foreach (var file in shardFiles)
            foreach (var line in ReadShard(file, torn))
            {
                if (line.Shard is { } shard && shard.IndexOf('/') is int slash and >= 0 && splits.TryAdd(shard[slash..], file) && splits.Count > 1)
                    throw new SpotlightException($"{file}: written by a run split {shard[slash..]}, but {splits.First().Value} by one split {splits.First().Key}; merge the shards of one job");
                if (!from.TryAdd(line.Path, file))
                    throw new SpotlightException($"{file}: '{line.Path}' is also in {from[line.Path]}; shards must not overlap (the same --shard run twice into different files?)");
                if (line.Failed) failed.Add(line);
                else captions.Add((ImageId(line.Path, idKind, file), line.Path, line.Caption!));
            }
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, path, _) in captions)
            if (!ids.TryAdd(id, path))
                throw new SpotlightException($"results merge: '{ids[id]}' and '{path}' both get image_id {id}; use --image-id path");
        var missing = manifest is null ? [] : CaptionManifest.Read(manifest).Entries.Select(e => e.Name).Where(n => !from.ContainsKey(n)).ToList();
        if (missing.Count > 0 && !allowMissing)
            throw new SpotlightException($"{manifest}: {missing.Count} listed image(s) are in no shard's results (first: {missing[0]}); run the missing shards, or pass --allow-missing to merge what there is");

        var sorted = captions.OrderBy(c => c.Id, idKind == ImageIdKind.Number ? NumericOrder.Instance : StringComparer.Ordinal).ToList();
        AtomicFile.Write(outPath, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
            json.WriteStartArray();
            foreach (var (id, _, caption) in sorted)
            {
                json.WriteStartObject();
                if (idKind == ImageIdKind.Number) json.WriteNumber("image_id", long.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
                else json.WriteString("image_id", id);
                json.WriteString("caption", caption);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        });
        return new ResultsMergeSummary(captions.Count, failed, missing, torn);
    }

    private static IReadOnlyList<BatchCaptionLine> ReadShard(string file, List<string> torn)
    {
        var lines = CaptionResultsFile.ReadAll(file, out long tornBytes);
        if (tornBytes > 0) torn.Add(file);
        return lines;
    }

    public static string ImageId(string path, ImageIdKind kind, string file = "results") => kind switch
    {
        ImageIdKind.Path => path,
        ImageIdKind.Name => Path.GetFileName(path.Replace('\\', '/')),
        _ => LastDigits().Matches(Path.GetFileNameWithoutExtension(path)) is { Count: > 0 } m && long.TryParse(m[^1].Value, out var n)
            ? n.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : throw new SpotlightException($"{file}: '{path}' has no number in its file name for --image-id number"),
    };

    [GeneratedRegex("[0-9]+")]
    private static partial Regex LastDigits();

    private sealed class NumericOrder : IComparer<string>
    {
        public static readonly NumericOrder Instance = new();

        public int Compare(string? a, string? b) => long.Parse(a!).CompareTo(long.Parse(b!));
    }
}
