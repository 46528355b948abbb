using System.Text.Json;
using Google.Protobuf;
using Spotlight.IO;
using Spotlight.Vision.Encoders;

namespace Spotlight.Onnx;

/// <summary>
/// <c>encoder.json</c>, beside an exported image encoder: the architecture, the input preprocessing (resize to S×S,
/// RGB, (x / 255 − mean) / std, (3, S, S)), the region grid and feature size, and the weights' checksum.
/// </summary>
public sealed record EncoderOnnxManifest(
    string Format, int Version, string Arch, string File, int Size, string Resize, float[] Mean, float[] Std,
    int GridHeight, int GridWidth, int FeatureDim, string WeightsChecksum, int Opset, string Producer)
{
    public const string FormatName = "spotlight-onnx-encoder";
}

/// <summary>
/// <c>spotlight export onnx ENCODER.spotlight</c>: an image-encoder file (from <c>spotlight weights import</c>) as
/// encoder.onnx (images → regions) and encoder.json, written atomically, the manifest last.
/// </summary>
public static class EncoderOnnxExport
{
    public const string ManifestFile = "encoder.json";

    public static EncoderOnnxManifest Export(string encoderFile, string folder, int imageSize = 224)
    {
        var description = EncoderWeights.Describe(encoderFile);
        var config = new PretrainedEncoderConfig(description.Arch, description.Alpha, imageSize);
        config.Validate();
        using var module = config.Create();
        var checksum = EncoderWeights.LoadInto(encoderFile, module, config);
        module.eval();
        var encoder = (IImageEncoder)module;
        var graph = EncoderOnnx.Graph(encoder, imageSize, $"spotlight_{description.Arch}_encoder").ToByteArray();
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllBytes(Path.Combine(folder, "encoder.onnx"), graph);
        var p = config.Preprocessing;
        var manifest = new EncoderOnnxManifest(EncoderOnnxManifest.FormatName, 1, description.Arch, "encoder.onnx", imageSize,
            System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(p.Resize.ToString()), [p.Mean.R, p.Mean.G, p.Mean.B], [p.Std.R, p.Std.G, p.Std.B], encoder.GridHeight, encoder.GridWidth, encoder.FeatureDim,
            checksum, OnnxGraph.Opset, $"Spotlight {Runtime.RuntimeInfo.VersionOf(typeof(EncoderOnnxExport).Assembly)}");
        AtomicFile.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest, Captioning.CaptionerOnnxExport.Json));
        return manifest;
    }
}
