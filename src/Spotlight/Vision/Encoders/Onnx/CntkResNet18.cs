using Spotlight.Onnx;
using Onnx;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders.Onnx;

/// <summary>
/// The ImageNet ResNet-18 that ML.NET ships in the NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
/// (MIT, Microsoft): <c>DnnImageModels/ResNet18Onnx/ResNet18.onnx</c>, exported from CNTK 2.6 (opset 8, input
/// <c>Input247</c> 1×3×224×224, output the pooled <c>Pooling395_Output_0</c>; the 7×7×512 grid is
/// <c>ReLU393_Output_0</c>), and <c>ResNetPrepOnnx/ResNetPreprocess.onnx</c>, which turns RGB 0–255 into BGR minus a
/// 224×224 mean image. This reads both into TorchVision's ResNet names (2, 2, 2, 3 basic blocks, see
/// <see cref="BlocksPerLayer"/>) plus that mean image.
/// <para>CNTK pads asymmetrically (<c>pads [3,3,2,2]</c> on conv1, <c>[1,1,0,0]</c> on the max pool and the strided
/// 3×3 convolutions). On even-sized maps a stride-2 window never reaches the last padding row, so this equals
/// TorchVision's symmetric padding all the way down from 224 px: the import checks those pads and the input size.</para>
/// </summary>
public static class CntkResNet18
{
    public const string Arch = "resnet18-cntk";
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    public const string GridOutput = "ReLU393_Output_0";
    public const string PooledOutput = "Pooling395_Output_0";
    public const int ImageSize = 224;

    /// <summary>
    /// Basic blocks per layer: not TorchVision's ResNet-18 (2, 2, 2, 2) but one more block in layer4 (15.9 M
    /// parameters against 11.2 M), as the graph has it.
    /// </summary>
    public static readonly int[] BlocksPerLayer = [2, 2, 2, 3];

    /// <summary>Where the package's build props put the network, relative to an output folder.</summary>
    public static readonly string RelativePath = Path.Combine("DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>SHA-256 of each released ResNet18.onnx this import was checked on, and the package version it came in.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownFiles = new Dictionary<string, string>
    {
        ["e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f"] = "0.24.0",
    };

    /// <summary>The network beside the running program (a build output that references the package), or null.</summary>
    public static string? FindInOutput() =>
        Path.Combine(AppContext.BaseDirectory, RelativePath) is var path && File.Exists(path) ? path : null;

    /// <summary>ResNetPreprocess.onnx, where the package puts it next to <paramref name="network"/>.</summary>
    public static string PreprocessPath(string network) =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(network))!, "..", "ResNetPrepOnnx", "ResNetPreprocess.onnx"));

    /// <summary>
    /// The trunk's weights under TorchVision names, plus <c>cntk_bgr_mean</c> (1, 3, 224, 224); every tensor is new
    /// (the caller disposes). Anything that is not this network is one error naming the file and what differs.
    /// </summary>
    public static Dictionary<string, Tensor> ReadStateDict(string network)
    {
        var model = OnnxFile.Read(network);
        var graph = model.Graph;
        var initializers = OnnxFile.Initializers(model);
        var inputs = graph.Input.Where(i => !initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1 || !OnnxFile.Shape(inputs[0]).SequenceEqual([1L, 3, ImageSize, ImageSize]))
            throw new SpotlightException($"{network}: expected one 1×3×{ImageSize}×{ImageSize} image input (CNTK ResNet-18), found "
                + string.Join(", ", inputs.Select(i => $"{i.Name} [{string.Join(",", OnnxFile.Shape(i))}]")));
        if (!graph.Node.Any(n => n.Output.Contains(GridOutput)))
            throw new SpotlightException($"{network}: has no node output '{GridOutput}' (the 7×7 grid of the CNTK ResNet-18)");

        var convs = graph.Node.Where(n => n.OpType == "Conv").ToList();
        var main = convs.Where(c => Kernel(network, c, initializers) > 1).ToList();
        var shortcuts = convs.Where(c => Kernel(network, c, initializers) == 1).ToList();
        var mainNames = MainConvNames();
        if (main.Count != mainNames.Count || shortcuts.Count != 3)
            throw new SpotlightException($"{network}: has {main.Count} 3×3/7×7 and {shortcuts.Count} 1×1 convolutions; CNTK's ResNet-18 has {mainNames.Count} and 3");
        foreach (var pool in graph.Node.Where(n => n.OpType == "MaxPool")) CheckPads(network, pool, 3);

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            for (int i = 0; i < main.Count; i++) AddConvAndNorm(network, graph, initializers, main[i], mainNames[i], tensors);
            for (int i = 0; i < 3; i++) AddConvAndNorm(network, graph, initializers, shortcuts[i], $"layer{i + 2}.0.downsample.0", tensors);
            tensors["cntk_bgr_mean"] = ReadMeanImage(PreprocessPath(network));
            return tensors;
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The mean image (BGR order, 1×3×224×224) of ResNetPreprocess.onnx, after checking that the graph really is
    /// Split(RGB) → Concat(B, G, R) → Sub(mean): the channel order is read from the graph, not assumed.
    /// </summary>
    public static Tensor ReadMeanImage(string path)
    {
        if (!File.Exists(path))
            throw new SpotlightException($"{path}: file not found (ResNet18.onnx needs the package's ResNetPrepOnnx/ResNetPreprocess.onnx beside its folder)");
        var model = OnnxFile.Read(path);
        var nodes = model.Graph.Node;
        var split = nodes.FirstOrDefault(n => n.OpType == "Split");
        var concat = nodes.FirstOrDefault(n => n.OpType == "Concat");
        var sub = nodes.FirstOrDefault(n => n.OpType == "Sub");
        if (nodes.Count != 3 || split is null || concat is null || sub is null || split.Output.Count != 3
            || !concat.Input.SequenceEqual(split.Output.Reverse()) || sub.Input[0] != concat.Output[0])
            throw new SpotlightException($"{path}: not the expected RGB→BGR and mean-image subtraction (Split, Concat reversed, Sub)");
        var initializers = OnnxFile.Initializers(model);
        if (!initializers.TryGetValue(sub.Input[1], out var mean) || !mean.Dims.SequenceEqual([1L, 3, ImageSize, ImageSize]))
            throw new SpotlightException($"{path}: the subtracted mean image is missing or not 1×3×{ImageSize}×{ImageSize}");
        return OnnxFile.ToTensor(path, mean);
    }

    /// <summary>TorchVision's names for the non-shortcut convolutions, in the order CNTK's graph lists them.</summary>
    private static List<string> MainConvNames()
    {
        var names = new List<string> { "conv1" };
        for (int layer = 1; layer <= 4; layer++)
            for (int block = 0; block < BlocksPerLayer[layer - 1]; block++)
                names.AddRange([$"layer{layer}.{block}.conv1", $"layer{layer}.{block}.conv2"]);
        return names;
    }

    private static void AddConvAndNorm(string path, GraphProto graph, Dictionary<string, TensorProto> initializers, NodeProto conv,
        string name, Dictionary<string, Tensor> tensors)
    {
        if (conv.Input.Count != 2) throw new SpotlightException($"{path}: convolution '{conv.Output[0]}' has a bias; CNTK's ResNet-18 has none");
        CheckPads(path, conv, Kernel(path, conv, initializers));
        tensors[$"{name}.weight"] = OnnxFile.ToTensor(path, Initializer(path, initializers, conv.Input[1]));
        var norm = graph.Node.FirstOrDefault(n => n.OpType == "BatchNormalization" && n.Input[0] == conv.Output[0])
            ?? throw new SpotlightException($"{path}: convolution '{conv.Output[0]}' is not followed by a batch normalisation");
        var epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
        if (Math.Abs(epsilon - 1e-5f) > 1e-9f)
            throw new SpotlightException($"{path}: batch normalisation '{norm.Output[0]}' has ε {epsilon}, TorchVision's is 1e-5");
        string bn = name.EndsWith(".0", StringComparison.Ordinal) ? name[..^1] + "1" : name.Replace("conv", "bn", StringComparison.Ordinal);
        string[] parts = ["weight", "bias", "running_mean", "running_var"];
        for (int i = 0; i < 4; i++) tensors[$"{bn}.{parts[i]}"] = OnnxFile.ToTensor(path, Initializer(path, initializers, norm.Input[i + 1]));
        tensors[$"{bn}.num_batches_tracked"] = zeros(Array.Empty<long>(), ScalarType.Int64);
    }

    private static TensorProto Initializer(string path, Dictionary<string, TensorProto> initializers, string name) =>
        initializers.TryGetValue(name, out var t) ? t : throw new SpotlightException($"{path}: initializer '{name}' is missing");

    private static long Kernel(string path, NodeProto conv, Dictionary<string, TensorProto> initializers) =>
        conv.Input.Count > 1 && initializers.TryGetValue(conv.Input[1], out var w) && w.Dims.Count == 4 ? w.Dims[3]
            : throw new SpotlightException($"{path}: convolution '{conv.Output[0]}' has no 4-d weight initializer");

    /// <summary>Symmetric k/2, or CNTK's (k/2 before, k/2 − 1 after) with stride 2, which equals it on even sizes.</summary>
    private static void CheckPads(string path, NodeProto node, long kernel)
    {
        var pads = OnnxFile.Ints(node, "pads") ?? [0, 0, 0, 0];
        var strides = OnnxFile.Ints(node, "strides") ?? [1, 1];
        long p = kernel / 2;
        bool symmetric = pads.SequenceEqual([p, p, p, p]);
        bool cntk = strides.SequenceEqual([2L, 2]) && pads.SequenceEqual([p, p, p - 1, p - 1]);
        if (!symmetric && !cntk)
            throw new SpotlightException($"{path}: {node.OpType} '{node.Output[0]}' has pads [{string.Join(",", pads)}] with strides [{string.Join(",", strides)}], which this import does not reproduce");
    }
}
