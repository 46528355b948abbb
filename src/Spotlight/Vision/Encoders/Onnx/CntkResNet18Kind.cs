using Spotlight.Onnx;

namespace Spotlight.Vision.Encoders.Onnx;

/// <summary>The ImageNet ResNet-18 of ML.NET's NuGet package (<see cref="CntkResNet18"/>), imported from its ONNX file.</summary>
internal sealed class CntkResNet18Kind : EncoderKind
{
    public override IReadOnlyList<string> Architectures => [CntkResNet18.Arch];
    public override string DisplayName(string arch, double alpha) => "ResNet-18 (ImageNet, CNTK via ONNX)";
    public override TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Create(PretrainedEncoderConfig config) =>
        new ResNetEncoder(18, config.ImageSize, ResNetInput.CntkBgrMean);

    /// <summary>RGB 0–255: the trunk flips to BGR and subtracts its own mean image, as ResNetPreprocess.onnx does.</summary>
    public override ImagePreprocessing Preprocessing(int imageSize) => ImagePreprocessing.Bytes(imageSize);

    public override IReadOnlyList<string[]> Blocks(PretrainedEncoderConfig config) => ResNetKind.Stages;

    public override void Validate(PretrainedEncoderConfig config)
    {
        if (config.ImageSize != CntkResNet18.ImageSize)
            throw new SpotlightException($"the {config.Arch} encoder takes {CntkResNet18.ImageSize} px images (its mean image is that size), got {config.ImageSize}");
    }

    public override bool CanImport(string source) => source.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>ResNet18.onnx, with the package's ResNetPreprocess.onnx beside its folder; records the file's SHA-256 and package.</summary>
    public override EncoderWeights.Description Import(string source, string output)
    {
        var tensors = CntkResNet18.ReadStateDict(source);
        try
        {
            using var model = new ResNetEncoder(18, CntkResNet18.ImageSize, ResNetInput.CntkBgrMean);
            Checkpoints.StateDictLoader.Load(source, model, tensors);
            string sha = OnnxFile.Sha256(source);
            string? package = CntkResNet18.KnownFiles.TryGetValue(sha, out var version) ? $"{CntkResNet18.PackageId} {version}" : null;
            var description = new EncoderWeights.Description(CntkResNet18.Arch, 1.0, 0, Path.GetFileName(source), sha, package);
            EncoderWeights.Save(output, model, description, null);
            return description;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
