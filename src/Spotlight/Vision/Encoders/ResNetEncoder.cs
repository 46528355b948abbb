using Spotlight.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders;

/// <summary>
/// The convolutional trunk of TorchVision's ResNet-18/34/50/101 (conv1 … layer4; the pooling and the classifier are
/// dropped), so the last feature map becomes the region grid (224 px → 7×7). Parameter names are TorchVision's
/// (<c>conv1.weight</c>, <c>layer1.0.bn1.running_mean</c>, …), which timm's ResNets share, so ImageNet weights saved
/// as .safetensors by either load by name. With <see cref="ResNetInput.CntkBgrMean"/> (the CNTK ResNet-18 of ML.NET's
/// package, see <see cref="Onnx.CntkResNet18"/>) the input is RGB 0–255 and the network first makes it BGR minus the
/// mean image it was trained with (buffer <c>cntk_bgr_mean</c>).
/// </summary>
public sealed class ResNetEncoder : nn.Module<Tensor, Tensor>, IImageEncoder
{
    public static readonly int[] Depths = [18, 34, 50, 101];
    private static readonly string[] Trunk = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"];
    private readonly List<nn.Module<Tensor, Tensor>> stages = [];
    private readonly int imageSize;
    private const string CntkMean = "cntk_bgr_mean";   // buffer (1, 3, 224, 224), BGR; only with ResNetInput.CntkBgrMean

    public ResNetEncoder(int depth, int imageSize = 224, ResNetInput input = ResNetInput.ImageNetNormalised) : base(nameof(ResNetEncoder))
    {
        Runtime.NnpackSwitch.Disable();   // every model with convolutions: see NnpackSwitch
        if (imageSize < 32) throw new SpotlightException($"ResNet needs images of at least 32 pixels, got {imageSize}");
        if (input == ResNetInput.CntkBgrMean && (depth != 18 || imageSize != Onnx.CntkResNet18.ImageSize))
            throw new SpotlightException($"the CNTK ResNet-18 takes {Onnx.CntkResNet18.ImageSize} px images (its mean image is that size), got {imageSize}");
        Depth = depth;
        this.imageSize = imageSize;
        // Not disposed: disposing TorchVision's model would dispose the trunk modules borrowed from it.
        var full = (depth, input) switch
        {
            (18, ResNetInput.CntkBgrMean) => torchvision.models.resnet34(),   // cut to CNTK's blocks below
            (18, _) => torchvision.models.resnet18(),
            (34, _) => torchvision.models.resnet34(),
            (50, _) => torchvision.models.resnet50(),
            (101, _) => torchvision.models.resnet101(),
            _ => throw new SpotlightException($"ResNet depth must be one of {string.Join(", ", Depths)}, got {depth}"),
        };
        var children = full.named_children().ToDictionary(c => c.name, c => c.module);
        foreach (var name in Trunk)
        {
            var stage = (nn.Module<Tensor, Tensor>)children[name];
            if (input == ResNetInput.CntkBgrMean && name.StartsWith("layer", StringComparison.Ordinal))
                stage = FirstBlocks(stage, Onnx.CntkResNet18.BlocksPerLayer[name[^1] - '1']);
            register_module(name, stage);
            stages.Add(stage);
        }
        children["fc"].Dispose();   // the classifier is never used here
        FeatureDim = depth >= 50 ? 2048 : 512;
        Input = input;
        // Looked up by name when used, not kept in a field: Module.to() replaces buffers. Detached from any dispose
        // scope the caller is in, which would otherwise free it when the scope ends.
        if (input == ResNetInput.CntkBgrMean) register_buffer(CntkMean, zeros(1, 3, imageSize, imageSize).DetachFromDisposeScope());
    }

    /// <summary>The first <paramref name="count"/> blocks of a ResNet layer (the others are disposed).</summary>
    private static nn.Module<Tensor, Tensor> FirstBlocks(nn.Module<Tensor, Tensor> layer, int count)
    {
        var blocks = layer.children().Cast<nn.Module<Tensor, Tensor>>().ToList();
        foreach (var dropped in blocks.Skip(count)) dropped.Dispose();
        return nn.Sequential(blocks.Take(count));
    }

    public ResNetInput Input { get; }

    public int Depth { get; }
    public int FeatureDim { get; }
    public int GridHeight => MobileNetV1.GridSide(imageSize);
    public int GridWidth => MobileNetV1.GridSide(imageSize);

    public Tensor Encode(Tensor images) => forward(images);

    /// <summary>images (batch, 3, H, W), ImageNet-normalised (or RGB 0–255 for CNTK) → regions (batch, h·w, FeatureDim).</summary>
    public override Tensor forward(Tensor images)
    {
        var x = TrunkInput(images);
        foreach (var stage in stages) x = stage.forward(x);
        return x.flatten(2).transpose(1, 2);
    }

    /// <summary>What the first convolution sees: the images themselves, or for CNTK BGR minus the mean image.</summary>
    public Tensor TrunkInput(Tensor images) => Input == ResNetInput.CntkBgrMean ? images.flip(1) - get_buffer(CntkMean)! : images;

    /// <summary>
    /// Loads TorchVision/timm ImageNet weights from a .safetensors file: the classifier (<c>fc.*</c>) is ignored,
    /// float16/bfloat16/float64 tensors are converted, a missing <c>num_batches_tracked</c> counts as 0; any other
    /// missing, unexpected or mis-shaped tensor is an error naming the file.
    /// </summary>
    public void LoadSafeTensors(string path)
    {
        using var file = SafeTensors.Read(path);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value) in file.Tensors)
        {
            if (name.StartsWith("fc.", StringComparison.Ordinal)) continue;
            tensors[name] = value.is_floating_point() && value.dtype != ScalarType.Float32 ? value.to_type(ScalarType.Float32) : value;
        }
        foreach (var (name, buffer) in state_dict().Where(p => p.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)))
            tensors.TryAdd(name, zeros_like(buffer));
        StateDictLoader.Load(path, this, tensors);
    }

    /// <summary>The depth whose trunk has exactly these tensor names (fc.* and num_batches_tracked aside), or null.</summary>
    public static int? DepthOf(IEnumerable<string> names)
    {
        static bool Counts(string n) => !n.StartsWith("fc.", StringComparison.Ordinal) && !n.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
        var given = names.Where(Counts).ToHashSet(StringComparer.Ordinal);
        foreach (var depth in Depths)
        {
            using var probe = new ResNetEncoder(depth);
            var expected = probe.state_dict().Keys.Where(Counts).ToHashSet(StringComparer.Ordinal);
            if (expected.SetEquals(given)) return depth;
        }
        return null;
    }
}

/// <summary>What a ResNet trunk expects as input.</summary>
public enum ResNetInput
{
    /// <summary>RGB scaled to [0,1] then ImageNet mean/std (TorchVision, timm).</summary>
    ImageNetNormalised,
    /// <summary>RGB 0–255; the trunk subtracts CNTK's BGR mean image itself (ML.NET's ResNet-18 package).</summary>
    CntkBgrMean,
}
