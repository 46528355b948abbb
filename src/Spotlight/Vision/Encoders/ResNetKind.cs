namespace Spotlight.Vision.Encoders;

/// <summary>TorchVision's ResNet-18/34/50/101 trunks, imported from TorchVision/timm <c>.safetensors</c> files.</summary>
internal sealed class ResNetKind : EncoderKind
{
    private static readonly int[] Depths = [18, 34, 50, 101];

    public override IReadOnlyList<string> Architectures => [.. Depths.Select(d => $"resnet{d}")];
    public override string DisplayName(string arch, double alpha) => arch;
    public override TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Create(PretrainedEncoderConfig config) =>
        new ResNetEncoder(int.Parse(config.Arch["resnet".Length..], System.Globalization.CultureInfo.InvariantCulture), config.ImageSize);

    public override ImagePreprocessing Preprocessing(int imageSize) => ImagePreprocessing.ImageNet(imageSize);

    public override IReadOnlyList<string[]> Blocks(PretrainedEncoderConfig config) => Stages;

    /// <summary>conv1+bn1, then the four stages: shared by every ResNet-shaped kind.</summary>
    public static readonly IReadOnlyList<string[]> Stages = [["conv1.", "bn1."], ["layer1."], ["layer2."], ["layer3."], ["layer4."]];

    public override bool CanImport(string source) => source.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
        && !(File.Exists(source) && Checkpoints.SafeTensors.ReadHeader(source).Entries.Any(e => e.Name == "cls_token"));   // a ViT's

    /// <summary>The depth is found from the tensor names; <c>fc.*</c> is ignored.</summary>
    public override EncoderWeights.Description Import(string source, string output)
    {
        var header = Checkpoints.SafeTensors.ReadHeader(source);
        int depth = ResNetEncoder.DepthOf(header.Entries.Select(e => e.Name))
            ?? throw new SpotlightException($"{source}: its tensor names are not those of a TorchVision/timm ResNet-18/34/50/101");
        using var model = new ResNetEncoder(depth);
        model.LoadSafeTensors(source);
        var description = new EncoderWeights.Description($"resnet{depth}", 1.0, 0, Path.GetFileName(source));
        EncoderWeights.Save(output, model, description, null);
        return description;
    }
}
