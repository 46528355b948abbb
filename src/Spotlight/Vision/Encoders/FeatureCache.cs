using System.Security.Cryptography;
using System.Text.Json;
using Spotlight.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders;

/// <summary>Region features of a list of images, in memory as float16 (rows in <see cref="Kept"/> order).</summary>
public sealed class FeatureSet(Tensor features, int[] kept) : IDisposable
{
    /// <summary>(kept images, regions, dim), float16, CPU.</summary>
    public Tensor Features { get; } = features;

    /// <summary>Indices, into the list that was asked for, of the images that have features (unreadable ones do not).</summary>
    public int[] Kept { get; } = kept;

    /// <summary>Rows (by position in <see cref="Kept"/>) as float32 (rows, regions, dim).</summary>
    public Tensor Rows(Tensor positions) => Features.index_select(0, positions).to_type(ScalarType.Float32);

    public Tensor Rows(int start, int count) => Features.narrow(0, start, count).to_type(ScalarType.Float32);

    public void Dispose() => Features.Dispose();
}

/// <summary>
/// Region features of a frozen encoder, computed once per image and stored on disk as float16. A cache folder holds
/// one subfolder per encoder identity: a hash of the architecture, width, input size, normalisation and the weight
/// file's checksum, so features of another encoder, other weights or another image size are never mixed in (a notice
/// says when the folder holds only other identities). Images are keyed by the SHA-256 of their bytes, so an edited
/// image is encoded again and a renamed one is not. Each batch of new features is one safetensors file written
/// atomically (an interrupted run keeps what it finished); every file's identity and shapes are checked when read.
/// </summary>
public sealed class FeatureCache
{
    private const int PartSize = 512;
    private readonly string folder;
    private readonly string identity;
    private readonly Action<string> notice;

    public FeatureCache(string root, PretrainedEncoderConfig encoder, string weightsChecksum, Action<string>? notice = null)
    {
        this.notice = notice ?? (_ => { });
        var description = JsonSerializer.Serialize(new
        {
            format = 1, arch = encoder.Arch, alpha = encoder.Alpha, image_size = encoder.ImageSize,
            preprocessing = encoder.Preprocessing, weights = weightsChecksum,
        });
        identity = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(description)))[..16];
        folder = Path.Combine(root, identity);
        Directory.CreateDirectory(root);
        var others = Directory.GetDirectories(root).Select(Path.GetFileName).Where(n => n != identity).ToList();
        if (!Directory.Exists(folder) && others.Count > 0)
            this.notice($"{root}: holds features of {others.Count} other encoder setting(s) ({string.Join(", ", others.Take(3))}); not used, encoding afresh under {identity}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "encoder.json"), description);
    }

    public string Identity => identity;
    public string Folder => folder;

    /// <summary>
    /// Features of every image, from the cache where present, else encoded now (in batches, with
    /// <paramref name="encode"/>: preprocessed images → regions) and stored. Unreadable images are left out with a
    /// warning each; <see cref="FeatureSet.Kept"/> says which remain.
    /// </summary>
    public FeatureSet Get(IReadOnlyList<string> imagePaths, ImagePreprocessing preprocessing, Func<Tensor, Tensor> encode,
        List<string> warnings, Action<int, int>? progress = null, int batchSize = 32)
    {
        var keys = new string[imagePaths.Count];
        Parallel.For(0, imagePaths.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            try { keys[i] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(imagePaths[i]))); }
            catch (IOException e) { keys[i] = ""; lock (warnings) warnings.Add($"{imagePaths[i]}: {e.Message}, skipped"); }
        });

        var stored = ReadParts(keys.Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal));
        try
        {
            var missing = Enumerable.Range(0, imagePaths.Count).Where(i => keys[i].Length > 0 && !stored.Rows.ContainsKey(keys[i]))
                .DistinctBy(i => keys[i]).ToList();
            int done = imagePaths.Count - missing.Count;
            progress?.Invoke(done, imagePaths.Count);
            foreach (var chunk in missing.Chunk(PartSize))
            {
                var (features, encodedKeys) = EncodeChunk(chunk.Select(i => (imagePaths[i], keys[i])).ToList(), preprocessing, encode, warnings, batchSize);
                if (features is not null)
                {
                    var path = Path.Combine(folder, $"part-{Guid.NewGuid():N}.safetensors");
                    SafeTensors.Write(path, new Dictionary<string, Tensor> { ["features"] = features },
                        new Dictionary<string, string> { ["identity"] = identity, ["keys"] = JsonSerializer.Serialize(encodedKeys) });
                    stored.Add(features, encodedKeys);
                }
                done += chunk.Length;
                progress?.Invoke(done, imagePaths.Count);
            }

            var kept = Enumerable.Range(0, imagePaths.Count).Where(i => keys[i].Length > 0 && stored.Rows.ContainsKey(keys[i])).ToArray();
            if (kept.Length == 0) throw new SpotlightException($"{folder}: none of the {imagePaths.Count} images could be encoded");
            using var scope = NewDisposeScope();
            var gathered = cat(kept.Select(i => stored.Rows[keys[i]]).Select(r => stored.Parts[r.Part].narrow(0, r.Row, 1)).ToList(), 0);
            return new FeatureSet(gathered.MoveToOuterDisposeScope(), kept);
        }
        finally
        {
            stored.Dispose();
        }
    }

    private static (Tensor? Features, List<string> Keys) EncodeChunk(List<(string Path, string Key)> images, ImagePreprocessing preprocessing,
        Func<Tensor, Tensor> encode, List<string> warnings, int batchSize)
    {
        var pixels = new RgbImage?[images.Count];
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            try { pixels[i] = ImagePipeline.LoadAndCrop(images[i].Path, preprocessing); }
            catch (SpotlightException e) { lock (warnings) warnings.Add($"{e.Message} (skipped)"); }
        });
        var readable = Enumerable.Range(0, images.Count).Where(i => pixels[i] is not null).ToList();
        if (readable.Count == 0) return (null, []);
        var parts = new List<Tensor>();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var batch in readable.Chunk(batchSize))
        {
            using var step = NewDisposeScope();
            var input = stack(batch.Select(i => ImageTensor.FromPixels(pixels[i]!, preprocessing)).ToArray());
            parts.Add(encode(input).to_type(ScalarType.Float16).MoveToOuterDisposeScope());
        }
        return (cat(parts, 0).MoveToOuterDisposeScope(), readable.Select(i => images[i].Key).ToList());
    }

    /// <summary>
    /// Checks every part's header (identity, image list) but loads the tensors only of parts that hold a wanted image,
    /// so the validation images' features do not cost a second read of the whole training cache.
    /// </summary>
    private StoredParts ReadParts(IReadOnlySet<string> wanted)
    {
        var stored = new StoredParts();
        try
        {
            foreach (var path in Directory.GetFiles(folder, "part-*.safetensors").Order(StringComparer.Ordinal))
            {
                var header = SafeTensors.ReadHeader(path);
                if (!header.Metadata.TryGetValue("identity", out var id) || id != identity)
                    throw new SpotlightException($"{path}: belongs to another encoder (identity {id ?? "none"}, expected {identity}); delete it");
                var entry = header.Entries.FirstOrDefault(e => e.Name == "features");
                if (entry is null || entry.Shape.Length != 3 || entry.ScalarType != ScalarType.Float16)
                    throw new SpotlightException($"{path}: holds no float16 (images, regions, dim) 'features' tensor; delete it");
                var keys = header.Metadata.TryGetValue("keys", out var json) ? JsonSerializer.Deserialize<List<string>>(json) : null;
                if (keys is null || keys.Count != entry.Shape[0])
                    throw new SpotlightException($"{path}: its image list does not match its {entry.Shape[0]} feature rows; delete it");
                if (stored.RowShape is { } shape && !shape.SequenceEqual(entry.Shape.Skip(1)))
                    throw new SpotlightException($"{path}: features of shape ({string.Join(", ", entry.Shape.Skip(1))}) do not match the other files'; delete it");
                stored.RowShape ??= [.. entry.Shape.Skip(1)];
                if (!keys.Any(wanted.Contains)) continue;
                var file = SafeTensors.Read(path);
                stored.Add(file.Tensors["features"], keys);   // the tensor now belongs to `stored`; the file holds nothing else
            }
        }
        catch
        {
            stored.Dispose();
            throw;
        }
        return stored;
    }

    private sealed class StoredParts : IDisposable
    {
        public List<Tensor> Parts { get; } = [];
        public Dictionary<string, (int Part, int Row)> Rows { get; } = new(StringComparer.Ordinal);
        public long[]? RowShape { get; set; }   // (regions, dim) of every part

        public void Add(Tensor features, IReadOnlyList<string> keys)
        {
            Parts.Add(features);
            for (int r = 0; r < keys.Count; r++) Rows.TryAdd(keys[r], (Parts.Count - 1, r));
        }

        public void Dispose()
        {
            foreach (var part in Parts) part.Dispose();
        }
    }
}
