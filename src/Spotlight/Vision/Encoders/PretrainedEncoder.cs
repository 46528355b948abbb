using System.Text.Json;
using Spotlight.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders;

/// <summary>
/// Which pretrained backbone a captioner uses and how: architecture ("mobilenet-v1", "resnet18/34/50/101", or
/// "resnet18-cntk": the ImageNet ResNet-18 of ML.NET's NuGet package, see <see cref="Onnx.CntkResNet18"/>), width
/// (MobileNet), input size, and how many of its last blocks are fine-tuned (0 = frozen). Saved in the captioner's
/// config; the weights themselves travel inside the captioner's model file.
/// </summary>
public sealed record PretrainedEncoderConfig(string Arch, double Alpha = 1.0, int ImageSize = 224, int TrainableBlocks = 0)
{
    public static readonly string[] Architectures = ["mobilenet-v1", "resnet18", "resnet34", "resnet50", "resnet101", Onnx.CntkResNet18.Arch];

    public void Validate()
    {
        if (!Architectures.Contains(Arch)) throw new SpotlightException($"unknown encoder '{Arch}' (expected {string.Join(", ", Architectures)})");
        if (ImageSize is < 32 or > 1024) throw new SpotlightException($"encoder image size must be between 32 and 1024, got {ImageSize}");
        if (TrainableBlocks < 0) throw new SpotlightException($"fine-tuned blocks must be ≥ 0, got {TrainableBlocks}");
        if (Arch == Onnx.CntkResNet18.Arch && ImageSize != Onnx.CntkResNet18.ImageSize)
            throw new SpotlightException($"the {Arch} encoder takes {Onnx.CntkResNet18.ImageSize} px images (its mean image is that size), got {ImageSize}");
    }

    /// <summary>
    /// The input normalisation the weights were trained with: [-1, 1] for Keras MobileNet, ImageNet mean/std for
    /// TorchVision ResNets, RGB 0–255 for the CNTK ResNet-18 (it subtracts its own mean image).
    /// </summary>
    public ImagePreprocessing Preprocessing => Arch switch
    {
        "mobilenet-v1" => ImagePreprocessing.SymmetricUnit(ImageSize),
        Onnx.CntkResNet18.Arch => ImagePreprocessing.Bytes(ImageSize),
        _ => ImagePreprocessing.ImageNet(ImageSize),
    };

    /// <summary>A new, randomly initialised encoder of this shape (the trunk only, no classifier).</summary>
    public nn.Module<Tensor, Tensor> Create() => Arch switch
    {
        "mobilenet-v1" => new MobileNetV1(Alpha, ImageSize),
        Onnx.CntkResNet18.Arch => new ResNetEncoder(18, ImageSize, ResNetInput.CntkBgrMean),
        _ => new ResNetEncoder(int.Parse(Arch["resnet".Length..]), ImageSize),
    };

    /// <summary>
    /// Names of the top-level blocks from the input up (MobileNet: conv1, conv_dw_1+conv_pw_1, …; ResNet: conv1, layer1
    /// … layer4): fine-tuning "the last N blocks" unfreezes the parameters under the last N prefixes.
    /// </summary>
    public IReadOnlyList<string[]> Blocks() => Arch == "mobilenet-v1"
        ? [["conv1.", "conv1_bn."], .. Enumerable.Range(1, 13).Select(i => new[] { $"conv_dw_{i}.", $"conv_dw_{i}_bn.", $"conv_pw_{i}.", $"conv_pw_{i}_bn." })]
        : [["conv1.", "bn1."], ["layer1."], ["layer2."], ["layer3."], ["layer4."]];
}

/// <summary>
/// Spotlight's own file for pretrained encoder weights (kind "image-encoder"): a checksummed <c>.spotlight</c> file
/// (safetensors inside) written once by <c>spotlight weights import</c> from TF.js, safetensors or ONNX (CNTK ResNet-18)
/// weights, holding the trunk's state dict (and MobileNet's ImageNet head when the source had one), the architecture,
/// the labels, and for ONNX the source file's SHA-256 and the NuGet package version it shipped in.
/// </summary>
public static class EncoderWeights
{
    public const string Kind = "image-encoder";

    /// <summary>What an encoder file says about itself.</summary>
    public sealed record Description(string Arch, double Alpha, int Classes, string Source, string? SourceSha256 = null, string? Package = null);

    private static readonly TaskModelFile<Description> FileFormat = new(Kind);

    public static void Save(string path, nn.Module module, Description description, IReadOnlyList<string>? labels) =>
        FileFormat.Save(path, module, description, blobs: labels is null ? null : new Dictionary<string, string> { ["labels"] = JsonSerializer.Serialize(labels) });

    /// <summary>Reads and verifies an encoder file; the caller disposes it.</summary>
    public static (Description Description, LoadedModelFile File) Open(string path)
    {
        var file = ModelFile.Load(path, Kind);
        try
        {
            return (file.ReadBlob<Description>(ModelFile.ConfigBlob), file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>What an encoder file holds, from its header alone (the weights are read and verified when loaded).</summary>
    public static Description Describe(string path) => FileFormat.Inspect(path).Config;

    /// <summary>Copies the file's trunk weights into <paramref name="encoder"/> (a head in the file is ignored).</summary>
    public static string LoadInto(string path, nn.Module encoder, PretrainedEncoderConfig config)
    {
        var (description, file) = Open(path);
        using (file)
        {
            if (description.Arch != config.Arch || (config.Arch == "mobilenet-v1" && Math.Abs(description.Alpha - config.Alpha) > 1e-9))
                throw new SpotlightException($"{path}: holds {Name(description.Arch, description.Alpha)} weights, not {Name(config.Arch, config.Alpha)}");
            var trunk = file.Tensors.Where(p => !p.Key.StartsWith("conv_preds.", StringComparison.Ordinal))
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            StateDictLoader.Load(path, encoder, trunk);
            return file.Checksum;
        }
    }

    /// <summary>
    /// Converts pretrained weights once into an encoder file: a TF.js layers <c>model.json</c> (Keras MobileNet v1,
    /// with its head and labels) or a TorchVision/timm ResNet <c>.safetensors</c> (depth found from the tensor names).
    /// </summary>
    public static Description Import(string source, string output)
    {
        if (!File.Exists(source)) throw new SpotlightException($"{source}: file not found");
        if (source.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var keras = TfjsLayersModel.ReadWeights(source);
            try
            {
                using var model = TfjsLayersModel.ToMobileNet(source, keras);
                var description = new Description("mobilenet-v1", model.Alpha, model.Classes, Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(source))) ?? source);
                Save(output, model, description, TfjsLayersModel.ReadLabels(source));
                return description;
            }
            finally
            {
                foreach (var t in keras.Values) t.Dispose();
            }
        }
        if (source.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            var header = SafeTensors.ReadHeader(source);
            int depth = ResNetEncoder.DepthOf(header.Entries.Select(e => e.Name))
                ?? throw new SpotlightException($"{source}: its tensor names are not those of a TorchVision/timm ResNet-18/34/50/101");
            using var model = new ResNetEncoder(depth);
            model.LoadSafeTensors(source);
            var description = new Description($"resnet{depth}", 1.0, 0, Path.GetFileName(source));
            Save(output, model, description, null);
            return description;
        }
        if (source.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return ImportCntkResNet18(source, output);
        throw new SpotlightException($"{source}: expected a TF.js model.json, a .safetensors or an .onnx file");
    }

    /// <summary>The CNTK ResNet-18 of ML.NET's package (ResNet18.onnx, with ResNetPreprocess.onnx beside its folder).</summary>
    private static Description ImportCntkResNet18(string source, string output)
    {
        var tensors = Onnx.CntkResNet18.ReadStateDict(source);
        try
        {
            using var model = new ResNetEncoder(18, Onnx.CntkResNet18.ImageSize, ResNetInput.CntkBgrMean);
            StateDictLoader.Load(source, model, tensors);
            string sha = Onnx.OnnxFile.Sha256(source);
            string? package = Onnx.CntkResNet18.KnownFiles.TryGetValue(sha, out var version) ? $"{Onnx.CntkResNet18.PackageId} {version}" : null;
            var description = new Description(Onnx.CntkResNet18.Arch, 1.0, 0, Path.GetFileName(source), sha, package);
            Save(output, model, description, null);
            return description;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>A MobileNet with its ImageNet head, for checking an import (<c>spotlight weights classify</c>).</summary>
    public static (MobileNetV1 Model, IReadOnlyList<string>? Labels) LoadClassifier(string path, int imageSize)
    {
        var (description, file) = Open(path);
        using (file)
        {
            if (description.Arch != "mobilenet-v1" || description.Classes == 0)
                throw new SpotlightException($"{path}: has no ImageNet classifier head (only imported MobileNet files with conv_preds do)");
            var model = new MobileNetV1(description.Alpha, imageSize, description.Classes);
            file.LoadInto(model);
            model.eval();
            var labels = file.Blobs.TryGetValue("labels", out var json) ? JsonSerializer.Deserialize<List<string>>(json) : null;
            return (model, labels);
        }
    }

    public static string Name(string arch, double alpha) => arch switch
    {
        "mobilenet-v1" => $"MobileNet v1 {alpha:0.##}",
        Onnx.CntkResNet18.Arch => "ResNet-18 (ImageNet, CNTK via ONNX)",
        _ => arch,
    };
}
