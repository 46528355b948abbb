using System.Diagnostics;
using Spotlight.Captioning;
using TorchSharp;

namespace Spotlight.Bench;

/// <summary>
/// The shipped captioner's decoder steps in libtorch against its ONNX export in ONNX Runtime (same search): greedy and
/// beam 3, 1 photo and 32, from regions computed once. Ratio = libtorch time / ONNX Runtime time, measured in this run.
/// <c>dotnet run -c Release --project bench/Spotlight.Bench -- onnx-decoder [SAMPLES_DIR] [--threads N]</c>
/// </summary>
public static class OnnxDecoderBench
{
    public static void Run(string[] args)
    {
        torch.set_num_threads(BenchArgs.Int(args, "--threads", 2));
        var (folder, photos) = BenchArgs.Samples(args);
        using var model = CaptionModel.LoadPretrained();
        Console.WriteLine($"{CaptionModel.PretrainedPath}; threads {torch.get_num_threads()}; {photos.Count} photos in {folder}, repeated to 32");
        using var scope = torch.NewDisposeScope();
        var images = torch.stack(Enumerable.Range(0, 32).Select(i => model.LoadImage(photos[i % photos.Count])).ToArray());
        var regions = model.Network.EncodeImages(images);
        foreach (var (beam, count) in new[] { (1, 1), (3, 1), (1, 32), (3, 32) })
        {
            var batch = regions.narrow(0, 0, count);
            var names = Enumerable.Repeat("photo", count).ToArray();
            var options = new CaptionOptions(Beam: beam, BatchSize: 32);
            var times = new Dictionary<InferenceRuntime, List<double>> { [InferenceRuntime.LibTorch] = [], [InferenceRuntime.OnnxRuntime] = [] };
            string? check = null;
            for (int round = 0; round < (count == 1 ? 12 : 4); round++)
                foreach (var runtime in times.Keys)                          // alternated, so drift hits both alike
                {
                    model.Network.DecoderRuntime = runtime;
                    var clock = Stopwatch.StartNew();
                    var captions = model.CaptionRegions(batch, names, options);
                    if (round > 0) times[runtime].Add(clock.Elapsed.TotalMilliseconds);   // round 0 warms up (exports the graphs)
                    var text = string.Join("|", captions.Select(c => c.Caption));
                    if (check is not null && text != check) Console.WriteLine($"  captions differ between runtimes: {text} vs {check}");
                    check = text;
                }
            double Median(List<double> t) => t.Order().ElementAt(t.Count / 2);
            double lt = Median(times[InferenceRuntime.LibTorch]), ort = Median(times[InferenceRuntime.OnnxRuntime]);
            Console.WriteLine($"beam {beam}, {count,2} photo(s): libtorch {lt,7:F1} ms, ONNX Runtime {ort,7:F1} ms, ratio {lt / ort:F2}x  ({count * 1000 / lt:F1} vs {count * 1000 / ort:F1} photos/s, decoding only)");
        }
    }
}
