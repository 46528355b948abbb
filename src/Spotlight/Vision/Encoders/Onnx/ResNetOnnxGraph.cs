using Google.Protobuf;
using Onnx;
using Spotlight.Onnx;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders.Onnx;

/// <summary>
/// Writes a <see cref="ResNetEncoder"/>'s trunk as an ONNX graph (opset 17) with its current weights: input
/// <c>images</c> (batch, 3, H, W) as <see cref="ResNetEncoder.forward"/> takes them, output <c>grid</c>
/// (batch, C, h, w), the last feature map before pooling. Blocks are read from the parameter names (TorchVision's:
/// basic blocks have conv1–2, bottlenecks conv1–3; the first block of layer2–4 strides by 2, on conv1 of a basic
/// block and conv2 of a bottleneck, as TorchVision does), so ResNet-18/34/50/101 and the CNTK ResNet-18 all export.
/// Batch normalisation stays a node: ONNX Runtime folds it into the convolution when it optimises the graph.
/// </summary>
public static class ResNetOnnxGraph
{
    public const string Input = "images";
    public const string Output = "grid";

    public static ModelProto Build(ResNetEncoder encoder)
    {
        var graph = new OnnxGraph($"spotlight_resnet{encoder.Depth}_trunk");
        var images = graph.Input(Input, OnnxGraph.ElementType.Float, "batch", 3, "height", "width");
        graph.Output(AddTrunk(graph, images, encoder), Output, OnnxGraph.ElementType.Float, "batch", encoder.FeatureDim, "grid_height", "grid_width");
        return graph.Model("ResNet trunk: images (batch, 3, H, W) → grid (batch, C, h, w) before pooling");
    }

    public static byte[] Serialize(ResNetEncoder encoder) => Build(encoder).ToByteArray();

    /// <summary>Adds the trunk's nodes reading <paramref name="images"/>; returns the grid (batch, C, h, w).</summary>
    public static string AddTrunk(OnnxGraph graph, string images, ResNetEncoder encoder)
    {
        var weights = encoder.state_dict();
        string x = images;
        if (weights.TryGetValue("cntk_bgr_mean", out var mean))
        {
            x = graph.Node("Gather", [x, graph.Ints(2, 1, 0)], OnnxGraph.IntAttribute("axis", 1));   // RGB → BGR
            x = graph.Node("Sub", [x, graph.Constant("cntk_bgr_mean", mean)]);
        }
        x = graph.Node("Relu", [graph.ConvNorm(x, weights, "conv1", "bn1", stride: 2)]);
        x = graph.Node("MaxPool", [x], OnnxGraph.IntsAttribute("kernel_shape", 3, 3), OnnxGraph.IntsAttribute("strides", 2, 2),
            OnnxGraph.IntsAttribute("pads", 1, 1, 1, 1));
        for (int layer = 1; layer <= 4; layer++)
            for (int block = 0; weights.ContainsKey($"layer{layer}.{block}.conv1.weight"); block++)
            {
                string p = $"layer{layer}.{block}";
                int stride = layer > 1 && block == 0 ? 2 : 1;
                bool bottleneck = weights.ContainsKey($"{p}.conv3.weight");
                string y;
                if (bottleneck)
                {
                    y = graph.Node("Relu", [graph.ConvNorm(x, weights, $"{p}.conv1", $"{p}.bn1", 1)]);
                    y = graph.Node("Relu", [graph.ConvNorm(y, weights, $"{p}.conv2", $"{p}.bn2", stride)]);
                    y = graph.ConvNorm(y, weights, $"{p}.conv3", $"{p}.bn3", 1);
                }
                else
                {
                    y = graph.Node("Relu", [graph.ConvNorm(x, weights, $"{p}.conv1", $"{p}.bn1", stride)]);
                    y = graph.ConvNorm(y, weights, $"{p}.conv2", $"{p}.bn2", 1);
                }
                string shortcut = weights.ContainsKey($"{p}.downsample.0.weight")
                    ? graph.ConvNorm(x, weights, $"{p}.downsample.0", $"{p}.downsample.1", stride) : x;
                x = graph.Node("Relu", [graph.Node("Add", [y, shortcut])]);
            }
        return x;
    }
}
