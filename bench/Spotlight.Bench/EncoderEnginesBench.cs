using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Spotlight.Onnx;
using Spotlight.Vision.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Bench;

/// <summary>
/// Image encoders (random weights: timing only) at 224 px, 8 and 32 images: libtorch (oneDNN guarded as Spotlight runs
/// it) against ONNX Runtime on Spotlight's export, and, when Debian's python3-torch and python3-torchvision are
/// installed, PyTorch on TorchVision's same trunk in the same run (between two halves of Spotlight's repetitions).
/// <c>dotnet run -c Release --project bench/Spotlight.Bench -- encoders [--threads 2] [--reps 5]</c>
/// </summary>
public static class EncoderEnginesBench
{
    private const string PyTorchScript = """
        import sys, time, torch, torchvision
        arch, threads, batch, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        torch.set_num_threads(threads)
        model = getattr(torchvision.models, arch)()
        trunk = torch.nn.Sequential(*list(model.children())[:-2]).eval()
        x = torch.randn(batch, 3, 224, 224)
        with torch.no_grad():
            trunk(x)
            times = []
            for _ in range(reps):
                start = time.perf_counter(); trunk(x); times.append(time.perf_counter() - start)
        print(torch.__version__, sorted(times)[len(times) // 2] * 1000)
        """;

    public static void Run(string[] args)
    {
        int threads = BenchArgs.Int(args, "--threads", 2), reps = BenchArgs.Int(args, "--reps", 5);
        torch.set_num_threads(threads);
        var script = Path.Combine(Path.GetTempPath(), "spotlight-bench-pytorch.py");
        File.WriteAllText(script, PyTorchScript);
        bool pytorch = PyTorch(script, "resnet18", threads, 1, 1) is not null;
        Console.WriteLine($"threads {threads}, {reps} repetitions per half; PyTorch {(pytorch ? "found" : "not found (apt install python3-torch python3-torchvision for the comparison)")}");
        foreach (var (name, torchvision, make) in new (string, string?, Func<nn.Module<Tensor, Tensor>>)[]
        {
            ("ResNet-18", "resnet18", () => new ResNetEncoder(18)),
            ("ResNet-101", "resnet101", () => new ResNetEncoder(101)),
            ("MobileNet v1 1.0", null, () => new MobileNetV1(1.0, 224)),
        })
        {
            using var module = make();
            module.eval();
            var encoder = (IImageEncoder)module;
            using var session = new OnnxSession(EncoderOnnx.Graph(encoder, 224, name).ToByteArray(), name);
            foreach (int batch in new[] { 8, 32 })
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var images = randn(batch, 3, 224, 224);
                var libtorch = new List<double>();
                var onnx = new List<double>();
                void Half()
                {
                    for (int r = 0; r < reps; r++)
                    {
                        // Each run in its own scope: ResNet-101's intermediates for 32 images are gigabytes.
                        libtorch.Add(Time(() => { using var run = NewDisposeScope(); encoder.Encode(images); }));
                        onnx.Add(Time(() => { using var run = NewDisposeScope(); session.Run(images, EncoderOnnx.Regions); }));
                    }
                }
                using (NewDisposeScope())
                {
                    encoder.Encode(images);
                    session.Run(images, EncoderOnnx.Regions);                    // warm-up
                }
                Half();
                var py = pytorch && torchvision is not null ? PyTorch(script, torchvision, threads, batch, reps) : null;
                Half();
                double lt = Median(libtorch), ort = Median(onnx);
                Console.WriteLine($"{name,-17} {batch,2} images: libtorch {lt,7:F0} ms ({batch * 1000 / lt,5:F1}/s), ONNX Runtime {ort,7:F0} ms ({batch * 1000 / ort,5:F1}/s)"
                    + (py is { } p ? $", PyTorch {p.Version} {p.Ms,7:F0} ms ({batch * 1000 / p.Ms,5:F1}/s); ONNX Runtime vs PyTorch {p.Ms / ort:F2}x" : "")
                    + $"; ONNX Runtime vs libtorch {lt / ort:F2}x");
            }
        }
    }

    private static (string Version, double Ms)? PyTorch(string script, string arch, int threads, int batch, int reps)
    {
        try
        {
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { script, arch, threads.ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture), reps.ToString(CultureInfo.InvariantCulture) })
                start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            var parts = output.Trim().Split(' ');
            return process.ExitCode == 0 && parts.Length == 2 ? (parts[0], double.Parse(parts[1], CultureInfo.InvariantCulture)) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }
}
