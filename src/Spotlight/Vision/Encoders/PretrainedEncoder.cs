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
    public static IReadOnlyList<string> Architectures => EncoderKinds.Architectures;

    /// <summary>What this architecture is: construction, preprocessing, blocks, import (<see cref="EncoderKind"/>).</summary>
    public EncoderKind Kind => EncoderKinds.For(Arch);

    public void Validate()
    {
        var kind = Kind;
        if (ImageSize is < 32 or > 1024) throw new SpotlightException($"encoder image size must be between 32 and 1024, got {ImageSize}");
        if (TrainableBlocks < 0) throw new SpotlightException($"fine-tuned blocks must be ≥ 0, got {TrainableBlocks}");
        kind.Validate(this);
    }

    /// <summary>The input normalisation the weights were trained with.</summary>
    public ImagePreprocessing Preprocessing => Kind.Preprocessing(ImageSize);

    /// <summary>A new, randomly initialised encoder of this shape (the trunk only, no classifier).</summary>
    public nn.Module<Tensor, Tensor> Create() => Kind.Create(this);

    /// <summary>
    /// Names of the top-level blocks from the input up (MobileNet: conv1, conv_dw_1+conv_pw_1, …; ResNet: conv1, layer1
    /// … layer4): fine-tuning "the last N blocks" unfreezes the parameters under the last N prefixes.
    /// </summary>
    public IReadOnlyList<string[]> Blocks() => Kind.Blocks(this);
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
            if (description.Arch != config.Arch || (config.Kind.UsesAlpha && Math.Abs(description.Alpha - config.Alpha) > 1e-9))
                throw new SpotlightException($"{path}: holds {Name(description.Arch, description.Alpha)} weights, not {Name(config.Arch, config.Alpha)}");
            var trunk = file.Tensors.Where(p => !p.Key.StartsWith("conv_preds.", StringComparison.Ordinal))
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            using var scope = NewDisposeScope();
            if (encoder is nn.Module<Tensor, Tensor> trunkModule) config.Kind.Adapt(trunk, trunkModule);
            StateDictLoader.Load(path, encoder, trunk);
            return file.Checksum;
        }
    }

    /// <summary>
    /// Converts pretrained weights once into an encoder file, by the kind whose importer reads the source: a TF.js
    /// layers <c>model.json</c> (Keras MobileNet v1, with its head and labels), a TorchVision/timm ResNet
    /// <c>.safetensors</c>, or the CNTK ResNet-18 <c>.onnx</c> of ML.NET's package.
    /// </summary>
    public static Description Import(string source, string output)
    {
        if (!File.Exists(source)) throw new SpotlightException($"{source}: file not found");
        return EncoderKinds.ImporterFor(source).Import(source, output);
    }

    /// <summary>A MobileNet with its ImageNet head, for checking an import (<c>spotlight weights classify</c>).</summary>
    public static (MobileNetV1 Model, IReadOnlyList<string>? Labels) LoadClassifier(string path, int imageSize)
    {
        var (description, file) = Open(path);
        using (file)
        {
            if (description.Arch != MobileNetV1Kind.Arch || description.Classes == 0)
                throw new SpotlightException($"{path}: has no ImageNet classifier head (only imported MobileNet files with conv_preds do)");
            var model = new MobileNetV1(description.Alpha, imageSize, description.Classes);
            file.LoadInto(model);
            model.eval();
            var labels = file.Blobs.TryGetValue("labels", out var json) ? JsonSerializer.Deserialize<List<string>>(json) : null;
            return (model, labels);
        }
    }

    public static string Name(string arch, double alpha) =>
        EncoderKinds.All.FirstOrDefault(k => k.Architectures.Contains(arch))?.DisplayName(arch, alpha) ?? arch;
}
