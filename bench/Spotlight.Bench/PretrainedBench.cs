using System.Diagnostics;
using Spotlight.Captioning;
using TorchSharp;

namespace Spotlight.Bench;

/// <summary>
/// The shipped captioner end to end (decode the file, ResNet-18 in ONNX Runtime, beam search): one photo at a time and
/// 32 photos in one batch, beam 3, on the repository's samples (repeated to 32), the decoder in ONNX Runtime (as the CLI
/// and server run it) and in libtorch. Baseline in the same run: greedy.
/// <c>dotnet run -c Release --project bench/Spotlight.Bench -- pretrained [SAMPLES_DIR] [--threads N]</c>
/// </summary>
public static class PretrainedBench
{
    public static void Run(string[] args)
    {
        torch.set_num_threads(BenchArgs.Int(args, "--threads", 2));
        var (folder, photos) = BenchArgs.Samples(args);
        var load = Stopwatch.StartNew();
        using var model = CaptionModel.LoadPretrained();
        Console.WriteLine($"{CaptionModel.PretrainedPath}: loaded in {load.Elapsed.TotalMilliseconds:F0} ms; threads {torch.get_num_threads()}, {photos.Count} photos in {folder}");
        var batch = Enumerable.Range(0, 32).Select(i => photos[i % photos.Count]).ToList();
        foreach (var (beam, runtime) in new[] { (3, InferenceRuntime.LibTorch), (3, InferenceRuntime.OnnxRuntime), (3, InferenceRuntime.LibTorch), (3, InferenceRuntime.OnnxRuntime), (1, InferenceRuntime.OnnxRuntime) })
        {
            model.Network.DecoderRuntime = runtime;
            var options = new CaptionOptions(Beam: beam);
            model.Caption(photos[0], options);                                   // warm-up: ONNX session, libtorch
            var single = photos.Select(p => Time(() => model.Caption(p, options))).Order().ToList();
            var whole = Enumerable.Range(0, 3).Select(_ => Time(() => model.CaptionFiles(batch, options with { BatchSize = 32 }))).Order().ToList();
            Console.WriteLine($"beam {beam}, decoder in {runtime}: one photo median {single[single.Count / 2] * 1000:F0} ms (min {single[0] * 1000:F0}); " +
                $"32 photos median {whole[1]:F2} s = {32 / whole[1]:F1} photos/s");
        }
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }
}
