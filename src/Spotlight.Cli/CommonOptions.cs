using System.CommandLine;

namespace Spotlight.Cli;

/// <summary>Options shared by several commands, defined once so they read the same everywhere.</summary>
public static class CommonOptions
{
    public static Option<string> Device() => new("--device")
    {
        Description = "auto, cpu or cuda (falls back to CPU with a notice when CUDA is absent)",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>--format of a captioning data set (detected when absent).</summary>
    public static Option<string?> DataFormat()
    {
        var option = new Option<string?>("--format") { Description = "data-set format: flickr | karpathy | coco (default: detected)" };
        option.AcceptOnlyFromAmong("flickr", "karpathy", "coco");
        return option;
    }

    /// <summary>--images: where a captioning data set's image names point.</summary>
    public static Option<string?> ImagesFolder() =>
        new("--images") { Description = "folder the data set's image names are relative to (default: the format's)" };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "CPU threads for libtorch (0 = libtorch's default)",
        DefaultValueFactory = _ => 0,
    };

    public static void ApplyThreads(int threads)
    {
        if (threads < 0) throw new SpotlightException($"--threads must be ≥ 0, got {threads}");
        if (threads > 0) TorchSharp.torch.set_num_threads(threads);
    }

    public static Option<string> EncoderRuntime()
    {
        var option = new Option<string>("--encoder-runtime")
        {
            Description = "engine of a frozen ResNet encoder on the CPU: onnx (ONNX Runtime, faster here) or libtorch",
            DefaultValueFactory = _ => "onnx",
        };
        option.AcceptOnlyFromAmong("onnx", "libtorch");
        return option;
    }

    public static Option<string> DecoderRuntime()
    {
        var option = new Option<string>("--decoder-runtime")
        {
            Description = "engine of the decoder's steps (LSTM, GRU or Transformer): onnx (its ONNX export in ONNX Runtime, faster here; same search) or libtorch",
            DefaultValueFactory = _ => "onnx",
        };
        option.AcceptOnlyFromAmong("onnx", "libtorch");
        return option;
    }

    public static Spotlight.Captioning.InferenceRuntime ParseEncoderRuntime(string value) =>
        value == "libtorch" ? Spotlight.Captioning.InferenceRuntime.LibTorch : Spotlight.Captioning.InferenceRuntime.OnnxRuntime;

    public static void Notice(string message) => Console.Error.WriteLine($"notice: {message}");
}
