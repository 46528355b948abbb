using System.Security.Cryptography;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Spotlight.Onnx;

/// <summary>
/// Reads an ONNX model (the official <c>onnx.proto</c> messages, through OnnxSharp and Google.Protobuf) and its
/// initializers, turning every way a file can be wrong (missing, empty, truncated, not protobuf, no graph, a tensor
/// of the wrong type or size) into one <see cref="SpotlightException"/> line that names the file.
/// </summary>
public static class OnnxFile
{
    public static ModelProto Read(string path)
    {
        if (!File.Exists(path)) throw new SpotlightException($"{path}: file not found");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) throw new SpotlightException($"{path}: the file is empty, not an ONNX model");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SpotlightException($"{path}: not a readable ONNX model (truncated or corrupt: {e.Message.Split('\n')[0].TrimEnd('.')})");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new SpotlightException($"{path}: not an ONNX model (no graph; is it a truncated or foreign file?)");
        return model;
    }

    /// <summary>Lower-case hex SHA-256 of the file's bytes: which export an encoder came from.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The graph's initializers by name.</summary>
    public static Dictionary<string, TensorProto> Initializers(ModelProto model) =>
        model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>A float32 initializer as a CPU tensor (stored as raw little-endian bytes or as float_data).</summary>
    public static Tensor ToTensor(string path, TensorProto proto)
    {
        if (proto.DataType != (int)TensorProto.Types.DataType.Float)
            throw new SpotlightException($"{path}: initializer '{proto.Name}' has ONNX element type {proto.DataType}, expected float32 (1)");
        long count = proto.Dims.Aggregate(1L, (a, d) => a * d);
        float[] values;
        if (proto.RawData.Length > 0)
        {
            if (proto.RawData.Length != count * sizeof(float))
                throw new SpotlightException($"{path}: initializer '{proto.Name}' holds {proto.RawData.Length} bytes, its shape [{string.Join(",", proto.Dims)}] needs {count * sizeof(float)}");
            values = new float[count];
            proto.RawData.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            if (!BitConverter.IsLittleEndian) throw new SpotlightException($"{path}: reading raw ONNX tensors needs a little-endian machine");
        }
        else
        {
            if (proto.FloatData.Count != count)
                throw new SpotlightException($"{path}: initializer '{proto.Name}' holds {proto.FloatData.Count} values, its shape [{string.Join(",", proto.Dims)}] needs {count}");
            values = [.. proto.FloatData];
        }
        return tensor(values, [.. proto.Dims]);
    }

    /// <summary>An integer-list attribute of a node (e.g. pads, strides), or null when absent.</summary>
    public static long[]? Ints(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? [.. a.Ints] : null;

    /// <summary>A tensor's static shape from a graph input/output (0 for a symbolic dimension).</summary>
    public static long[] Shape(ValueInfoProto value) =>
        value.Type?.TensorType?.Shape is { } shape ? [.. shape.Dim.Select(d => d.DimValue)] : [];
}
