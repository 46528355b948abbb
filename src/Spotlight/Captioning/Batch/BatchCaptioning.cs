using System.Diagnostics;
using System.Security.Cryptography;
using Spotlight.IO;
using Spotlight.Vision;
using TorchSharp;

namespace Spotlight.Captioning.Batch;

/// <summary>A batch job: which images (a manifest or folder), which shard of them, where results go, how to decode.</summary>
public sealed record BatchCaptionOptions(string Manifest, string Results, ShardSpec Shard, CaptionOptions Caption);

/// <summary>Where a running job stands, reported after every batch.</summary>
public sealed record BatchCaptionProgress(ShardSpec Shard, int Total, int Skipped, int Done, int Failed, TimeSpan Elapsed)
{
    public int Remaining => Total - Skipped - Done - Failed;

    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? (Done + Failed) / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// What a run did: images in this shard, captioned now, skipped because an earlier run finished them, and the
/// images that failed now (unreadable, corrupt, too large) with the reason. Failures are recorded in the results
/// file too, so a restarted job does not retry them.
/// </summary>
/// <param name="Unlisted">lines of the results file whose image the manifest no longer lists (kept, not captioned again)</param>
public sealed record BatchCaptionSummary(ShardSpec Shard, int Total, int Done, int Skipped, IReadOnlyList<BatchCaptionLine> Failed,
    long TornBytes, TimeSpan Elapsed, int Unlisted = 0);

/// <summary>
/// Captions a shard of a manifest into a results file, in batches through the model's batched search (and whichever
/// encoder and decoder runtimes the model is set to). Restartable at any point: images already in the results file
/// are skipped, and a line torn by a crash is cut off and its image captioned again.
/// </summary>
public static class BatchCaptioning
{
    public static BatchCaptionSummary Run(CaptionModel model, BatchCaptionOptions options, Action<BatchCaptionProgress>? progress = null)
    {
        options.Caption.Validate();
        var manifest = CaptionManifest.Read(options.Manifest);
        var mine = manifest.For(options.Shard);
        using var results = CaptionResultsFile.Open(options.Results);
        var listed = manifest.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        int unlisted = results.Existing.Keys.Count(name => !listed.Contains(name));
        // A few images gone from a folder is a job going on; none of the recorded ones listed is another job's file.
        if (results.Existing.Count > 0 && unlisted == results.Existing.Count)
            throw new SpotlightException($"{options.Results}: none of its {unlisted} images is listed by {options.Manifest}; is this the results file of another manifest?");
        foreach (var line in results.Existing.Values)
            if (listed.Contains(line.Path) && !options.Shard.Owns(line.Path))
                throw new SpotlightException($"{options.Results}: records '{line.Path}', which is not in shard {options.Shard}; was it written with another --shard?");
        var todo = mine.Where(e => !results.Existing.ContainsKey(e.Name)).ToList();
        int skipped = mine.Count - todo.Count, done = 0;
        var failed = new List<BatchCaptionLine>();
        var clock = Stopwatch.StartNew();
        var shard = options.Shard.ToString();
        foreach (var chunk in todo.Chunk(options.Caption.BatchSize))
        {
            var loaded = Load(chunk, model.Preprocessing);
            var lines = new BatchCaptionLine?[chunk.Length];
            var ok = Enumerable.Range(0, chunk.Length).Where(i => loaded[i].Pixels is not null).ToList();
            for (int i = 0; i < chunk.Length; i++)
                if (loaded[i].Pixels is null) lines[i] = new BatchCaptionLine(chunk[i].Name, loaded[i].Sha256, Error: loaded[i].Error, Shard: shard);
            if (ok.Count > 0)
            {
                using var scope = torch.NewDisposeScope();
                var images = torch.stack(ok.Select(i => ImageTensor.FromPixels(loaded[i].Pixels!, model.Preprocessing)).ToArray());
                var captions = model.CaptionTensors(images, ok.Select(i => chunk[i].Name).ToList(), options.Caption);
                for (int j = 0; j < ok.Count; j++)
                {
                    var r = captions[j];
                    lines[ok[j]] = new BatchCaptionLine(chunk[ok[j]].Name, loaded[ok[j]].Sha256, r.Caption, r.Tokens, r.LogProb, r.Score, Shard: shard);
                }
            }
            results.Append(lines!);
            foreach (var line in lines) if (line!.Failed) failed.Add(line); else done++;
            progress?.Invoke(new BatchCaptionProgress(options.Shard, mine.Count, skipped, done, failed.Count, clock.Elapsed));
        }
        return new BatchCaptionSummary(options.Shard, mine.Count, done, skipped, failed, results.TornBytes, clock.Elapsed, unlisted);
    }

    private sealed record LoadedImage(string? Sha256, RgbImage? Pixels, string? Error);

    /// <summary>
    /// Reads, hashes and decodes a batch's images in parallel. An image that is gone, too large, not a regular file or
    /// not decodable becomes its error line; any other read error (a flaky disk or network volume) ends the job, so a
    /// retry reads the image again instead of recording it as failed.
    /// </summary>
    private static LoadedImage[] Load(ManifestEntry[] chunk, ImagePreprocessing preprocessing)
    {
        var loaded = new LoadedImage[chunk.Length];
        var limits = ImageLimits.Default;
        Parallel.For(0, chunk.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var file = LinkedFile.Resolve(chunk[i].Path);
            if (!file.Exists)
            {
                loaded[i] = new LoadedImage(null, null, Directory.Exists(chunk[i].Path) ? "a folder, not an image file" : "no such file");
                return;
            }
            // Only the size the file system states is read: a device or pipe (/dev/zero, a FIFO) states 0 bytes and
            // would otherwise be read without end.
            if (file.Length == 0 || file.Length > limits.MaxBytes)
            {
                loaded[i] = new LoadedImage(null, null, file.Length == 0 ? "an empty file (or not a regular file)" : $"{file.Length} bytes, over the {limits.MaxBytes}-byte image limit");
                return;
            }
            var bytes = new byte[file.Length];
            try
            {
                using var stream = new FileStream(chunk[i].Path, FileMode.Open, FileAccess.Read, FileShare.Read);
                stream.ReadExactly(bytes);
            }
            catch (FileNotFoundException)
            {
                loaded[i] = new LoadedImage(null, null, "no such file");
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SpotlightException($"{chunk[i].Path}: cannot read ({e.Message}); run again to resume");
            }
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            try
            {
                loaded[i] = new LoadedImage(sha, ImagePipeline.LoadAndCrop(bytes, chunk[i].Name, preprocessing, limits), null);
            }
            catch (SpotlightException e)
            {
                // The decoder's message starts with the name it was given; the line already says which image.
                var reason = e.Message.StartsWith(chunk[i].Name + ": ", StringComparison.Ordinal) ? e.Message[(chunk[i].Name.Length + 2)..] : e.Message;
                loaded[i] = new LoadedImage(sha, null, reason);
            }
        });
        return loaded;
    }
}
