namespace Spotlight.Vision.Encoders;

/// <summary>Keras' ImageNet MobileNet v1 (any width α), imported from TensorFlow.js layers files.</summary>
internal sealed class MobileNetV1Kind : EncoderKind
{
    public const string Arch = "mobilenet-v1";

    public override IReadOnlyList<string> Architectures => [Arch];
    public override bool UsesAlpha => true;
    public override string DisplayName(string arch, double alpha) => $"MobileNet v1 {alpha:0.##}";
    public override TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Create(PretrainedEncoderConfig config) => new MobileNetV1(config.Alpha, config.ImageSize);

    /// <summary>Keras MobileNet was trained on RGB scaled to [-1, 1].</summary>
    public override ImagePreprocessing Preprocessing(int imageSize) => ImagePreprocessing.SymmetricUnit(imageSize);

    public override IReadOnlyList<string[]> Blocks(PretrainedEncoderConfig config) =>
        [["conv1.", "conv1_bn."], .. Enumerable.Range(1, 13).Select(i => new[] { $"conv_dw_{i}.", $"conv_dw_{i}_bn.", $"conv_pw_{i}.", $"conv_pw_{i}_bn." })];

    public override bool CanImport(string source) => source.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>A TF.js layers <c>model.json</c> with its shards: the trunk, the ImageNet head and the labels.</summary>
    public override EncoderWeights.Description Import(string source, string output)
    {
        var keras = TfjsLayersModel.ReadWeights(source);
        try
        {
            using var model = TfjsLayersModel.ToMobileNet(source, keras);
            var description = new EncoderWeights.Description(Arch, model.Alpha, model.Classes,
                Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(source))) ?? source);
            EncoderWeights.Save(output, model, description, TfjsLayersModel.ReadLabels(source));
            return description;
        }
        finally
        {
            foreach (var t in keras.Values) t.Dispose();
        }
    }
}
