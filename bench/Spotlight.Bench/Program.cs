namespace Spotlight.Bench;

/// <summary>Benchmarks are run by hand (never by CI): <c>dotnet run -c Release --project bench/Spotlight.Bench -- NAME</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Spotlight.Runtime.OneDnnGuard.Apply();   // before anything reaches libtorch
        var benches = new Dictionary<string, Action>(StringComparer.OrdinalIgnoreCase)
        {
            ["demo-step"] = DemoStepBench.Run,
            ["metrics"] = () => MetricsBench.Run(args.Skip(1).ToArray()),
            ["captioning"] = () => CaptioningBench.Run(args.Skip(1).FirstOrDefault() == "train"),
            ["translation"] = () => TranslationBench.Run(args.Skip(1).ToArray()),
            ["server"] = ServerBench.Run,
            ["inpainting"] = InpaintingBench.Run,
            ["features"] = FeatureCacheBench.Run,
            ["tokenizers"] = () => TokenizerBench.Run(args.Skip(1).ToArray()),
            ["onnx-encoder"] = () => OnnxEncoderBench.Run(args.Skip(1).ToArray()),
            ["scst"] = () => SelfCriticalBench.Run(args.Skip(1).ToArray()),
            ["pretrained"] = () => PretrainedBench.Run(args.Skip(1).ToArray()),
            ["onnx-decoder"] = () => OnnxDecoderBench.Run(args.Skip(1).ToArray()),
            ["encoders"] = () => EncoderEnginesBench.Run(args.Skip(1).ToArray()),
        };
        if (args.Length == 0 || !benches.TryGetValue(args[0], out var run))
        {
            Console.Error.WriteLine($"usage: Spotlight.Bench <{string.Join("|", benches.Keys)}>");
            return args.Length == 0 ? 0 : 1;
        }
        run();
        return 0;
    }
}
