using System.Text.Json;
using Spotlight.IO;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders;

/// <summary>
/// Reads a TensorFlow.js "layers" model (model.json with a weightsManifest, plus raw little-endian float32 shards) and
/// converts Keras MobileNet v1 weights to <see cref="MobileNetV1"/>'s names and layouts: Conv2D kernels
/// [kh, kw, in, out] → [out, in, kh, kw], DepthwiseConv2D [kh, kw, C, 1] → [C, 1, kh, kw], BatchNorm
/// gamma/beta/moving_mean/moving_variance → weight/bias/running_mean/running_var. Every size is checked against the
/// manifest before a byte is used; problems name the file.
/// </summary>
public static class TfjsLayersModel
{
    /// <summary>Name → float32 tensor (Keras layout), read from the shards in manifest order.</summary>
    public static Dictionary<string, Tensor> ReadWeights(string modelJson)
    {
        if (!File.Exists(modelJson)) throw new SpotlightException($"{modelJson}: file not found");
        using var doc = JsonFile.Parse(modelJson);
        var root = doc.RootElement;
        JsonFile.ExpectKind(root, JsonValueKind.Object, "root", modelJson);
        var manifest = JsonFile.Array(root, "weightsManifest", "root", modelJson);
        string folder = Path.GetDirectoryName(Path.GetFullPath(modelJson))!;
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        int groupIndex = 0;
        foreach (var group in manifest.EnumerateArray())
        {
            string where = $"weightsManifest[{groupIndex++}]";
            var paths = JsonFile.Array(group, "paths", where, modelJson).EnumerateArray()
                .Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : throw new SpotlightException($"{modelJson}: {where}.paths holds a non-string"))
                .ToList();
            var bytes = ReadShards(folder, paths, modelJson, where);
            long offset = 0;
            foreach (var entry in JsonFile.Array(group, "weights", where, modelJson).EnumerateArray())
            {
                string name = JsonFile.String(entry, "name", where, modelJson);
                string dtype = entry.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "float32";
                if (dtype != "float32") throw new SpotlightException($"{modelJson}: weight '{name}' is {dtype}; only float32 shards are supported");
                if (entry.TryGetProperty("quantization", out _)) throw new SpotlightException($"{modelJson}: weight '{name}' is quantized; only float32 shards are supported");
                var shape = JsonFile.Array(entry, "shape", $"weight {name}", modelJson).EnumerateArray()
                    .Select(s => s.TryGetInt64(out var v) && v >= 0 ? v : throw new SpotlightException($"{modelJson}: weight '{name}' has a bad shape")).ToArray();
                long count = shape.Aggregate(1L, (a, b) => checked(a * b));
                if (offset + 4 * count > bytes.Length)
                    throw new SpotlightException($"{modelJson}: {where}: the shards hold {bytes.Length} bytes, too few for weight '{name}' (needs bytes {offset}..{offset + 4 * count})");
                var values = new float[count];
                Buffer.BlockCopy(bytes, (int)offset, values, 0, (int)(4 * count));
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("TF.js shards are little-endian");
                if (!weights.TryAdd(name, tensor(values, shape).DetachFromDisposeScope()))
                    throw new SpotlightException($"{modelJson}: weight '{name}' appears twice");
                offset += 4 * count;
            }
            if (offset != bytes.Length)
                throw new SpotlightException($"{modelJson}: {where}: the shards hold {bytes.Length} bytes but the manifest describes {offset}");
        }
        if (weights.Count == 0) throw new SpotlightException($"{modelJson}: the manifest lists no weights");
        return weights;
    }

    /// <summary>Converts Keras MobileNet v1 weights into a new <see cref="MobileNetV1"/> (width from conv1's filters).</summary>
    public static MobileNetV1 ToMobileNet(string modelJson, IReadOnlyDictionary<string, Tensor> keras, int imageSize = 224)
    {
        if (!keras.TryGetValue("conv1/kernel", out var first) || first.dim() != 4)
            throw new SpotlightException($"{modelJson}: not a Keras MobileNet v1 (no 4-D 'conv1/kernel')");
        double alpha = first.shape[3] / 32.0;
        int classes = keras.TryGetValue("conv_preds/bias", out var bias) ? (int)bias.shape[0] : 0;
        var model = new MobileNetV1(alpha, imageSize, classes);
        var converted = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        foreach (var (name, value) in keras)
        {
            var slash = name.IndexOf('/');
            if (slash < 0) throw new SpotlightException($"{modelJson}: unexpected weight name '{name}' (expected layer/parameter)");
            string layer = name[..slash], part = name[(slash + 1)..];
            (string key, Tensor t) = part switch
            {
                "kernel" when value.dim() == 4 => ($"{layer}.weight", value.permute(3, 2, 0, 1)),
                "depthwise_kernel" when value.dim() == 4 => ($"{layer}.weight", value.permute(2, 3, 0, 1)),
                "bias" => ($"{layer}.bias", value),
                "gamma" => ($"{layer}.weight", value),
                "beta" => ($"{layer}.bias", value),
                "moving_mean" => ($"{layer}.running_mean", value),
                "moving_variance" => ($"{layer}.running_var", value),
                _ => throw new SpotlightException($"{modelJson}: unexpected weight '{name}' for MobileNet v1"),
            };
            converted[key] = t.contiguous().MoveToOuterDisposeScope();
        }
        foreach (var (key, buffer) in model.state_dict().Where(p => p.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)))
            converted.TryAdd(key, zeros_like(buffer).MoveToOuterDisposeScope());
        Checkpoints.StateDictLoader.Load(modelJson, model, converted);
        foreach (var t in converted.Values) t.Dispose();
        model.eval();
        return model;
    }

    /// <summary>ImageNet labels from a metadata.json beside model.json ({"labels": [...]}), when there is one.</summary>
    public static IReadOnlyList<string>? ReadLabels(string modelJson)
    {
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelJson))!, "metadata.json");
        if (!File.Exists(path)) return null;
        using var doc = JsonFile.Parse(path);
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("labels", out var labels)
            || labels.ValueKind != JsonValueKind.Array) return null;
        return [.. labels.EnumerateArray().Select(l => l.GetString() ?? "")];
    }

    private static byte[] ReadShards(string folder, IReadOnlyList<string> paths, string modelJson, string where)
    {
        using var buffer = new MemoryStream();
        foreach (var relative in paths)
        {
            if (Path.IsPathRooted(relative) || relative.Contains(".."))
                throw new SpotlightException($"{modelJson}: {where}: shard path '{relative}' leaves the model folder");
            string shard = Path.Combine(folder, relative);
            if (!File.Exists(shard)) throw new SpotlightException($"{modelJson}: {where}: shard '{relative}' not found beside model.json");
            using var stream = File.OpenRead(shard);
            stream.CopyTo(buffer);
        }
        return buffer.ToArray();
    }
}
