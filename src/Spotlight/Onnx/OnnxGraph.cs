using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Spotlight.Onnx;

/// <summary>
/// Builds an ONNX graph (the official <c>onnx.proto</c> messages from OnnxSharp, serialised by Google.Protobuf) from
/// TorchSharp weights: inputs with named dynamic axes, nodes whose outputs are named after the node that makes them,
/// weights as initializers, and the layers Spotlight's exporters share (linear maps, convolution + batch norm).
/// Every exporter (encoders, captioner steps) writes through this one class.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>The opset every Spotlight export declares (LayerNormalization needs 17).</summary>
    public const int Opset = 17;

    private readonly GraphProto graph;
    private int constants;

    public OnnxGraph(string name) => graph = new GraphProto { Name = name };

    public GraphProto Proto => graph;

    public enum ElementType { Float = TensorProto.Types.DataType.Float, Int64 = TensorProto.Types.DataType.Int64, Bool = TensorProto.Types.DataType.Bool }

    /// <summary>Declares a graph input; a string dimension is a named dynamic axis (e.g. "batch").</summary>
    public string Input(string name, ElementType type, params object[] dims)
    {
        graph.Input.Add(Value(name, type, dims));
        return name;
    }

    /// <summary>Makes <paramref name="value"/> a graph output called <paramref name="name"/> (through Identity, which ONNX Runtime removes).</summary>
    public void Output(string value, string name, ElementType type, params object[] dims)
    {
        var node = new NodeProto { OpType = "Identity", Name = $"Identity_{graph.Node.Count}" };
        node.Input.Add(value);
        node.Output.Add(name);
        graph.Node.Add(node);
        graph.Output.Add(Value(name, type, dims));
    }

    /// <summary>Adds one node with one output; returns the output's name.</summary>
    public string Node(string op, string[] inputs, params AttributeProto[] attributes) => Nodes(op, inputs, 1, attributes)[0];

    /// <summary>Adds one node with <paramref name="outputs"/> outputs (Split, LSTM, …).</summary>
    public string[] Nodes(string op, string[] inputs, int outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{graph.Node.Count}" };
        node.Input.Add(inputs);
        for (int i = 0; i < outputs; i++) node.Output.Add(outputs == 1 ? node.Name : $"{node.Name}_{i}");
        node.Attribute.Add(attributes);
        graph.Node.Add(node);
        return [.. node.Output];
    }

    /// <summary>A float32 or int64 initializer holding <paramref name="value"/>'s current data.</summary>
    public string Constant(string name, Tensor value)
    {
        using var scope = NewDisposeScope();   // the copies made here (cpu, contiguous, float32) go with it
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

    /// <summary>A small int64 constant (shapes, axes, indices) with a generated name.</summary>
    public string Ints(params long[] values)
    {
        using var t = tensor(values);
        return Constant($"const_{constants++}", t);
    }

    /// <summary>An int64 scalar (0-d) constant with a generated name (Range's bounds).</summary>
    public string Scalar64(long value)
    {
        using var t = tensor(value);
        return Constant($"const_{constants++}", t);
    }

    /// <summary>A float32 scalar constant with a generated name.</summary>
    public string Scalar(float value)
    {
        using var t = tensor(value);
        return Constant($"const_{constants++}", t);
    }

    /// <summary>x (…, in) → x Wᵀ + b (…, out), W (out, in) as TorchSharp's Linear stores it.</summary>
    public string Linear(string x, string name, Tensor weight, Tensor? bias)
    {
        using var transposed = weight.detach().t();
        var y = Node("MatMul", [x, Constant($"{name}.weight_t", transposed)]);
        return bias is null ? y : Node("Add", [y, Constant($"{name}.bias", bias)]);
    }

    /// <summary>Conv (no bias, symmetric padding k/2 unless given) then BatchNormalization from a state dict's tensors.</summary>
    public string ConvNorm(string x, IReadOnlyDictionary<string, Tensor> weights, string conv, string norm, int stride,
        long[]? pads = null, long groups = 1, float epsilon = 1e-5f)
    {
        var w = weights[$"{conv}.weight"];
        long k = w.shape[3], pad = k / 2;
        x = Node("Conv", [x, Constant($"{conv}.weight", w)],
            IntsAttribute("kernel_shape", k, k), IntsAttribute("strides", stride, stride),
            IntsAttribute("pads", pads ?? [pad, pad, pad, pad]), IntAttribute("group", groups));
        string[] parts = ["weight", "bias", "running_mean", "running_var"];
        return Node("BatchNormalization", [x, .. parts.Select(p => Constant($"{norm}.{p}", weights[$"{norm}.{p}"]))],
            FloatAttribute("epsilon", epsilon));
    }

    /// <summary>A model around the graph (IR 8, opset <see cref="Opset"/>) with a doc string saying what it computes.</summary>
    public ModelProto Model(string doc)
    {
        var model = new ModelProto
        {
            IrVersion = 8, ProducerName = "Spotlight", ProducerVersion = Runtime.RuntimeInfo.VersionOf(typeof(OnnxGraph).Assembly),
            Graph = graph, DocString = doc,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    public static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, I = value, Type = AttributeProto.Types.AttributeType.Int };

    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, F = value, Type = AttributeProto.Types.AttributeType.Float };

    private static ValueInfoProto Value(string name, ElementType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string param ? new TensorShapeProto.Types.Dimension { DimParam = param } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
