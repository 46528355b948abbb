using System.Diagnostics;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using Spotlight.Vision.Encoders.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Bench;

/// <summary>
/// The CNTK ResNet-18 of ML.NET's package, three ways: the TorchSharp import, ONNX Runtime on the original files, and
/// ONNX Runtime on Spotlight's own export of the imported weights. Args: FLICKR8K_DIR [THREADS] [PER_CLASS] (0: timing only).
/// Prints (1) the largest grid and pooled differences on real photos, relative to the largest value; (2) how often
/// a photo's nearest neighbour by pooled features shares its caption-derived class (dog, bicycle, snow, beach),
/// with the channel order as the package's preprocessing has it and swapped; (3) milliseconds for 8 images.
/// </summary>
public static class OnnxEncoderBench
{
    private static readonly (string Class, string[] Words)[] Classes =
    [
        ("dog", ["dog", "dogs", "puppy"]),
        ("bicycle", ["bicycle", "bike", "bikes", "cyclist", "biker", "bmx"]),
        ("snow", ["snow", "snowy", "skier", "skiing", "snowboarder"]),
        ("beach", ["beach", "ocean", "surf", "waves", "sand"]),
    ];

    public static void Run(string[] args)
    {
        string data = args[0];
        int threads = args.Length > 1 ? int.Parse(args[1]) : 2, perClass = args.Length > 2 ? int.Parse(args[2]) : 60;
        torch.set_num_threads(threads);
        string onnx = CntkResNet18.FindInOutput() ?? throw new SpotlightException("ResNet18.onnx is not in the build output");
        string encoderFile = Path.Combine(Path.GetTempPath(), $"bench-r18-{Environment.ProcessId}.spotlight");
        EncoderWeights.Import(onnx, encoderFile);
        var config = new PretrainedEncoderConfig(CntkResNet18.Arch);
        using var torchEncoder = (ResNetEncoder)config.Create();
        EncoderWeights.LoadInto(encoderFile, torchEncoder, config);
        torchEncoder.eval();
        File.Delete(encoderFile);
        using var original = new CntkResNet18Runtime(onnx, threads);
        using var exported = new OnnxResNetEncoder(torchEncoder, threads);

        if (perClass > 0) Compare(torchEncoder, original, exported, PickPhotos(data, perClass), threads);

        using var batch = stack(PickPhotos(data, 2).Select(p => ImageTensor.Load(p.Path, config.Preprocessing)).ToArray());
        Time(
        [
            ("TorchSharp (libtorch, guarded oneDNN)", () => torchEncoder.forward(batch)),
            ("ONNX Runtime, original files", () => original.Run(batch).Grid),
            ("ONNX Runtime, Spotlight's export", () => exported.Encode(batch)),
        ]);
    }

    private static void Compare(ResNetEncoder torchEncoder, CntkResNet18Runtime original, OnnxResNetEncoder exported,
        List<(string Path, string Class)> photos, int threads)
    {
        Console.WriteLine($"{photos.Count} photos ({string.Join(", ", photos.GroupBy(p => p.Class).Select(g => $"{g.Key} {g.Count()}"))}); {threads} threads; load {File.ReadAllText("/proc/loadavg").Trim()}");
        var preprocessing = new PretrainedEncoderConfig(CntkResNet18.Arch).Preprocessing;
        var pooled = new Dictionary<string, List<Tensor>> { ["torch"] = [], ["ort-original"] = [], ["ort-export"] = [], ["ort-original-bgr"] = [] };
        double gridError = 0, pooledError = 0, exportError = 0, meanError = 0;
        foreach (var chunk in photos.Chunk(16))
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var images = stack(chunk.Select(p => ImageTensor.Load(p.Path, preprocessing)).ToArray());
            var (grid, pool) = original.Run(images);
            var mine = torchEncoder.forward(images);                                  // (b, 49, 512)
            var theirs = grid.flatten(2).transpose(1, 2);
            var exportedRegions = exported.Encode(images);
            double scale = theirs.abs().max().item<float>();
            gridError = Math.Max(gridError, (mine - theirs).abs().max().item<float>() / scale);
            exportError = Math.Max(exportError, (exportedRegions - theirs).abs().max().item<float>() / scale);
            pooledError = Math.Max(pooledError, (mine.mean([1]) - pool).abs().max().item<float>() / pool.abs().max().item<float>());
            meanError = Math.Max(meanError, (theirs.mean([1]) - pool).abs().max().item<float>() / pool.abs().max().item<float>());
            pooled["torch"].Add(mine.mean([1]).MoveToOuterDisposeScope());
            pooled["ort-original"].Add(pool.MoveToOuterDisposeScope());
            pooled["ort-export"].Add(exportedRegions.mean([1]).MoveToOuterDisposeScope());
            pooled["ort-original-bgr"].Add(original.Run(images.flip(1)).Pooled.MoveToOuterDisposeScope());
        }
        Console.WriteLine($"grid, TorchSharp import vs ONNX Runtime on the original files: max |diff| / max |value| = {gridError:E2}");
        Console.WriteLine($"grid, ONNX Runtime on Spotlight's export vs on the original files: {exportError:E2}");
        Console.WriteLine($"pooled, TorchSharp grid mean vs original pooled output: {pooledError:E2}; original grid mean vs its pooled output: {meanError:E2}");
        var labels = photos.Select(p => p.Class).ToArray();
        foreach (var (name, parts) in pooled)
        {
            using var features = cat(parts, 0);
            Console.WriteLine($"nearest-neighbour class agreement, {name}: cosine {Agreement(features, labels, cosine: true):P1}, euclidean {Agreement(features, labels, cosine: false):P1}");
            foreach (var t in parts) t.Dispose();
        }
    }

    /// <summary>Rounds that run every route once each, so a change in the machine's load hits all of them alike.</summary>
    private static void Time((string Name, Func<Tensor> Run)[] routes)
    {
        var times = routes.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < 9; round++)
            for (int r = 0; r < routes.Length; r++)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var clock = Stopwatch.StartNew();
                routes[r].Run();
                if (round >= 2) times[r].Add(clock.Elapsed.TotalMilliseconds);   // two warm-up rounds
            }
        for (int r = 0; r < routes.Length; r++)
        {
            var t = times[r].Order().ToList();
            double median = t[t.Count / 2];
            Console.WriteLine($"{routes[r].Name}: 8 images in {median:F0} ms median of {t.Count} (min {t[0]:F0}, max {t[^1]:F0}) = {8000 / median:F1} images/s");
        }
        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>Photos whose five captions name exactly one of the classes, at least three times; sorted by name.</summary>
    private static List<(string Path, string Class)> PickPhotos(string data, int perClass)
    {
        var captions = File.ReadLines(Path.Combine(data, "captions.txt"))
            .Select(l => l.Split('\t')).Where(p => p.Length == 2)
            .GroupBy(p => p[0][..p[0].IndexOf('#')], p => p[1].ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet());
        var picked = new List<(string, string)>();
        var counts = Classes.ToDictionary(c => c.Class, _ => 0);
        foreach (var image in captions.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var hits = Classes.Select(c => (c.Class, Count: image.Count(words => c.Words.Any(words.Contains)))).Where(h => h.Count > 0).ToList();
            if (hits.Count != 1 || hits[0].Count < 3 || counts[hits[0].Class] >= perClass) continue;
            var path = Path.Combine(data, "images", image.Key);
            if (!File.Exists(path)) continue;
            counts[hits[0].Class]++;
            picked.Add((path, hits[0].Class));
        }
        return picked;
    }

    private static double Agreement(Tensor features, string[] labels, bool cosine)
    {
        using var scope = NewDisposeScope();
        var f = cosine ? nn.functional.normalize(features, dim: 1) : features;
        var distance = (cosine ? -f.matmul(f.T) : cdist(f, f)) + eye(labels.Length) * 1e30f;   // never itself
        var nearest = distance.argmin(1).data<long>().ToArray();
        return nearest.Select((j, i) => labels[j] == labels[i]).Count(x => x) / (double)labels.Length;
    }
}
