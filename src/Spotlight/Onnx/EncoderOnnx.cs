using Spotlight.Vision.Encoders;
using Spotlight.Vision.Encoders.Onnx;
using static TorchSharp.torch;

namespace Spotlight.Onnx;

/// <summary>
/// Writes an image encoder as ONNX nodes: images (batch, 3, H, W), preprocessed as the model's sidecar says →
/// regions (batch, h·w, dim), row-major over the grid, exactly what <see cref="IImageEncoder.Encode"/> returns.
/// The small CNN, MobileNet v1, the ResNets (TorchVision's and the packaged CNTK ResNet-18) and ViTs are supported.
/// </summary>
public static class EncoderOnnx
{
    public const string Images = "images", Regions = "regions";
    private const float VitEpsilon = 1e-6f;   // timm's ViTs, which VitBlock follows

    /// <summary>A graph of the encoder alone: <c>images</c> (images, 3, S, S) → <c>regions</c> (images, n, featureDim).</summary>
    public static global::Onnx.ModelProto Graph(IImageEncoder encoder, int imageSize, string name)
    {
        var graph = new OnnxGraph(name);
        var images = graph.Input(Images, OnnxGraph.ElementType.Float, "images", 3, imageSize, imageSize);
        graph.Output(AddRegions(graph, images, encoder), Regions, OnnxGraph.ElementType.Float, "images", encoder.GridHeight * encoder.GridWidth, encoder.FeatureDim);
        return graph.Model("images (images, 3, S, S), preprocessed as the sidecar says → regions (images, n, featureDim), row-major over the grid");
    }

    /// <summary>Adds the encoder's nodes reading <paramref name="images"/>; returns the regions value.</summary>
    public static string AddRegions(OnnxGraph graph, string images, IImageEncoder encoder) => encoder switch
    {
        ResNetEncoder resnet => ToRegions(graph, ResNetOnnxGraph.AddTrunk(graph, images, resnet), encoder.FeatureDim),
        MobileNetV1 mobile => ToRegions(graph, MobileNet(graph, images, mobile), encoder.FeatureDim),
        SmallCnnEncoder small => SmallCnn(graph, images, small),
        VisionTransformer vit => VitPatches(graph, images, vit),
        _ => throw new SpotlightException($"ONNX export: the {encoder.GetType().Name} image encoder is not supported (the small CNN, MobileNet v1, ResNets and ViTs are)"),
    };

    /// <summary>A ViT's patch tokens after the final norm (the class token dropped), as <see cref="VisionTransformer.Encode"/>.</summary>
    private static string VitPatches(OnnxGraph graph, string images, VisionTransformer vit)
    {
        var weights = vit.state_dict();
        var c = vit.Config;
        var patches = graph.Node("Conv", [images, graph.Constant("patchEmbed.weight", weights["patchEmbed.weight"]), graph.Constant("patchEmbed.bias", weights["patchEmbed.bias"])],
            OnnxGraph.IntsAttribute("kernel_shape", c.PatchSize, c.PatchSize), OnnxGraph.IntsAttribute("strides", c.PatchSize, c.PatchSize));
        var tokens = ToRegions(graph, patches, c.Dim);                                                   // (batch, grid², dim)
        var batch = graph.Node("Shape", [images], OnnxGraph.IntAttribute("start", 0), OnnxGraph.IntAttribute("end", 1));
        var classToken = graph.Node("Expand", [graph.Constant("classToken", weights["classToken"]), graph.Node("Concat", [batch, graph.Ints(1, c.Dim)], OnnxGraph.IntAttribute("axis", 0))]);
        using var positions = weights.TryGetValue("positionTable", out var table) ? table.detach() : VisionTransformer.SineCosine2D(c.Grid, c.Dim);
        var x = graph.Node("Add", [graph.Node("Concat", [classToken, tokens], OnnxGraph.IntAttribute("axis", 1)), graph.Constant("positions", positions)]);
        for (int i = 0; i < c.Depth; i++)
        {
            string b = $"blocks.{i}";
            var normed = TransformerOnnx.LayerNorm(graph, weights, x, $"{b}.norm1", VitEpsilon);
            var (context, _) = TransformerOnnx.Attend(graph, weights, $"{b}.attn", TransformerOnnx.Linear(graph, weights, normed, $"{b}.attn.queryProj"),
                TransformerOnnx.Linear(graph, weights, normed, $"{b}.attn.valueProj"), TransformerOnnx.Linear(graph, weights, normed, $"{b}.attn.keyProj"), c.Heads, c.Dim);
            x = graph.Node("Add", [x, context]);
            var hidden = Gelu(graph, TransformerOnnx.Linear(graph, weights, TransformerOnnx.LayerNorm(graph, weights, x, $"{b}.norm2", VitEpsilon), $"{b}.fc1"));
            x = graph.Node("Add", [x, TransformerOnnx.Linear(graph, weights, hidden, $"{b}.fc2")]);
        }
        var final = TransformerOnnx.LayerNorm(graph, weights, x, "norm", VitEpsilon);
        return graph.Node("Slice", [final, graph.Ints(1), graph.Ints(long.MaxValue), graph.Ints(1)]);     // drop the class token
    }

    /// <summary>GELU(x) = x · Φ(x) = ½x(1 + erf(x / √2)), TorchSharp's exact form (opset 17 has no Gelu operator).</summary>
    private static string Gelu(OnnxGraph graph, string x) =>
        graph.Node("Mul", [graph.Node("Mul", [x, graph.Scalar(0.5f)]), graph.Node("Add", [graph.Node("Erf", [graph.Node("Div", [x, graph.Scalar(MathF.Sqrt(2f))])]), graph.Scalar(1f)])]);

    /// <summary>grid (batch, C, h, w) → regions (batch, h·w, C).</summary>
    private static string ToRegions(OnnxGraph graph, string grid, int channels)
    {
        var flat = graph.Node("Reshape", [grid, graph.Ints(0, channels, -1)]);
        return graph.Node("Transpose", [flat], OnnxGraph.IntsAttribute("perm", 0, 2, 1));
    }

    private static string SmallCnn(OnnxGraph graph, string images, SmallCnnEncoder encoder)
    {
        var weights = encoder.state_dict();
        string x = images;
        for (int stage = 0; weights.ContainsKey(ConvName(stage) + ".weight"); stage++)
        {
            if (stage > 0)
                x = graph.Node("MaxPool", [x], OnnxGraph.IntsAttribute("kernel_shape", 2, 2), OnnxGraph.IntsAttribute("strides", 2, 2));
            x = graph.Node("Relu", [graph.ConvNorm(x, weights, ConvName(stage), $"stages.{stage}.{(stage == 0 ? 1 : 2)}", 1)]);
        }
        var regions = ToRegions(graph, x, encoder.FeatureDim);
        return weights.TryGetValue("position", out var position) ? graph.Node("Add", [regions, graph.Constant("position", position)]) : regions;

        static string ConvName(int stage) => $"stages.{stage}.{(stage == 0 ? 0 : 1)}";
    }

    /// <summary>Keras' 'same' padding depends on the input side, which the model fixes: pads are computed here once.</summary>
    private static string MobileNet(OnnxGraph graph, string images, MobileNetV1 encoder)
    {
        var weights = encoder.state_dict();
        long side = encoder.ImageSize;
        string x = images;
        string Layer(string name, long stride, long groups)
        {
            long kernel = weights[$"{name}.weight"].shape[3];
            long pad = Math.Max(((side + stride - 1) / stride - 1) * stride + kernel - side, 0);
            side = (side + stride - 1) / stride;
            var y = graph.ConvNorm(x, weights, name, name + "_bn", (int)stride, [pad / 2, pad / 2, pad - pad / 2, pad - pad / 2], groups, 1e-3f);
            return graph.Node("Clip", [y, graph.Scalar(0f), graph.Scalar(6f)]);   // ReLU6
        }
        x = Layer("conv1", 2, 1);
        for (int block = 1; weights.ContainsKey($"conv_dw_{block}.weight"); block++)
        {
            x = Layer($"conv_dw_{block}", MobileNetV1.BlockStride(block), weights[$"conv_dw_{block}.weight"].shape[0]);
            x = Layer($"conv_pw_{block}", 1, 1);
        }
        return x;
    }
}
