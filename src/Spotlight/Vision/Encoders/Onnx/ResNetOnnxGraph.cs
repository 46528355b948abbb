using Google.Protobuf;
using Onnx;
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
    private const int Opset = 17;

    public static ModelProto Build(ResNetEncoder encoder)
    {
        var weights = encoder.state_dict();
        var graph = new GraphProto { Name = $"spotlight_resnet{encoder.Depth}_trunk" };
        graph.Input.Add(FloatValue(Input, "batch", 3, "height", "width"));
        var builder = new Builder(graph, weights);

        string x = Input;
        if (weights.TryGetValue("cntk_bgr_mean", out var mean))
        {
            x = builder.Node("Gather", [x, builder.Constant("rgb_to_bgr", tensor(new long[] { 2, 1, 0 }))], new AttributeProto { Name = "axis", I = 1, Type = AttributeProto.Types.AttributeType.Int });
            x = builder.Node("Sub", [x, builder.Constant("cntk_bgr_mean", mean)]);
        }
        x = builder.Node("Relu", [builder.ConvNorm(x, "conv1", "bn1", stride: 2)]);
        x = builder.Node("MaxPool", [x], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1));
        for (int layer = 1; layer <= 4; layer++)
            for (int block = 0; weights.ContainsKey($"layer{layer}.{block}.conv1.weight"); block++)
            {
                string p = $"layer{layer}.{block}";
                int stride = layer > 1 && block == 0 ? 2 : 1;
                bool bottleneck = weights.ContainsKey($"{p}.conv3.weight");
                string y;
                if (bottleneck)
                {
                    y = builder.Node("Relu", [builder.ConvNorm(x, $"{p}.conv1", $"{p}.bn1", 1)]);
                    y = builder.Node("Relu", [builder.ConvNorm(y, $"{p}.conv2", $"{p}.bn2", stride)]);
                    y = builder.ConvNorm(y, $"{p}.conv3", $"{p}.bn3", 1);
                }
                else
                {
                    y = builder.Node("Relu", [builder.ConvNorm(x, $"{p}.conv1", $"{p}.bn1", stride)]);
                    y = builder.ConvNorm(y, $"{p}.conv2", $"{p}.bn2", 1);
                }
                string shortcut = weights.ContainsKey($"{p}.downsample.0.weight")
                    ? builder.ConvNorm(x, $"{p}.downsample.0", $"{p}.downsample.1", stride) : x;
                x = builder.Node("Relu", [builder.Node("Add", [y, shortcut])]);
            }
        graph.Node[^1].Output[0] = Output;
        graph.Output.Add(FloatValue(Output, "batch", encoder.FeatureDim, "grid_height", "grid_width"));

        var model = new ModelProto
        {
            IrVersion = 8, ProducerName = "Spotlight", ProducerVersion = Runtime.RuntimeInfo.VersionOf(typeof(ResNetOnnxGraph).Assembly), Graph = graph,
            DocString = "ResNet trunk: images (batch, 3, H, W) → grid (batch, C, h, w) before pooling",
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    public static byte[] Serialize(ResNetEncoder encoder) => Build(encoder).ToByteArray();

    private static ValueInfoProto FloatValue(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string param ? new TensorShapeProto.Types.Dimension { DimParam = param } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    /// <summary>Adds nodes and initializers, naming each intermediate value after the node that makes it.</summary>
    private sealed class Builder(GraphProto graph, IReadOnlyDictionary<string, Tensor> weights)
    {
        public string Node(string op, string[] inputs, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = op, Name = $"{op}_{graph.Node.Count}" };
            node.Input.Add(inputs);
            node.Output.Add(node.Name);
            node.Attribute.Add(attributes);
            graph.Node.Add(node);
            return node.Name;
        }

        /// <summary>Conv (no bias, padding k/2) then BatchNormalization, from <c>{conv}.weight</c> and <c>{norm}.*</c>.</summary>
        public string ConvNorm(string x, string conv, string norm, int stride)
        {
            var w = weights[$"{conv}.weight"];
            long k = w.shape[3], pad = k / 2;
            x = Node("Conv", [x, Constant($"{conv}.weight", w)],
                Ints("kernel_shape", k, k), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad));
            string[] parts = ["weight", "bias", "running_mean", "running_var"];
            return Node("BatchNormalization", [x, .. parts.Select(p => Constant($"{norm}.{p}", weights[$"{norm}.{p}"]))],
                new AttributeProto { Name = "epsilon", F = 1e-5f, Type = AttributeProto.Types.AttributeType.Float });
        }

        public string Constant(string name, Tensor value)
        {
            var t = value.detach().cpu().contiguous();
            var proto = new TensorProto { Name = name };
            proto.Dims.Add(t.shape);
            if (t.dtype == ScalarType.Int64)
            {
                proto.DataType = (int)TensorProto.Types.DataType.Int64;
                proto.Int64Data.Add(t.data<long>().ToArray());
            }
            else
            {
                proto.DataType = (int)TensorProto.Types.DataType.Float;
                var values = t.to_type(ScalarType.Float32).data<float>().ToArray();
                proto.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            }
            graph.Initializer.Add(proto);
            return name;
        }
    }
}
