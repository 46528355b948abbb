using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Protobuf;
using Spotlight.IO;
using Spotlight.Text;
using Spotlight.Vision;

namespace Spotlight.Captioning;

/// <summary>The files of an exported captioner, relative to its folder.</summary>
public sealed record CaptionerOnnxFiles(string Encoder, string Prepare, string Step);

/// <summary>How a photo becomes the encoder's input: resize to Size×Size, RGB, (x / 255 − mean) / std per channel, (3, S, S).</summary>
public sealed record CaptionerOnnxPreprocessing(int Size, string Resize, float[] Mean, float[] Std);

/// <summary>The ids of the special tokens.</summary>
public sealed record CaptionerOnnxTokens(int Pad, int Start, int End, int Unknown);

/// <summary>
/// <c>captioner.json</c>, beside the ONNX files: everything a consumer needs besides ONNX Runtime — the graphs'
/// names, the preprocessing, the grid, the vocabulary, the special tokens, the tokens never to generate, the longest
/// caption, the state tensors that step carries (input NAME, output NAME_next; prepare gives the first per image) and
/// the memory tensors that prepare makes and step reads unchanged ((values, keys) pairs).
/// </summary>
public sealed record CaptionerOnnxManifest(
    string Format, int Version, string Decoder, string Attention, CaptionerOnnxFiles Files,
    CaptionerOnnxPreprocessing Preprocessing, int GridHeight, int GridWidth, IReadOnlyList<string> Vocabulary,
    CaptionerOnnxTokens Tokens, int[] NeverGenerate, int MaxLength, string[] State, string[] Memory, int Opset, string Producer)
{
    public const string FormatName = "spotlight-onnx-captioner";
}

/// <summary>
/// <c>spotlight export onnx</c> for captioners: encoder.onnx, prepare.onnx and step.onnx (<see cref="CaptionerOnnx"/>)
/// and captioner.json, each written atomically, the manifest last, so a folder with a manifest is complete.
/// </summary>
public static class CaptionerOnnxExport
{
    public const string ManifestFile = "captioner.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // "<end>", not "\u003Cend\u003E": read by people too
    };

    public static CaptionerOnnxManifest Export(CaptionModel model, string folder)
    {
        var network = model.Network;
        network.eval();
        var files = new CaptionerOnnxFiles("encoder.onnx", "prepare.onnx", "step.onnx");
        // Built before anything is written: an unsupported decoder or encoder leaves the folder untouched.
        var graphs = new[]
        {
            (files.Prepare, CaptionerOnnx.Prepare(network)), (files.Step, CaptionerOnnx.Step(network)), (files.Encoder, CaptionerOnnx.Encoder(network)),
        };
        Directory.CreateDirectory(folder);
        foreach (var (name, graph) in graphs) AtomicFile.WriteAllBytes(Path.Combine(folder, name), graph.ToByteArray());
        var p = model.Preprocessing;
        var manifest = new CaptionerOnnxManifest(
            CaptionerOnnxManifest.FormatName, 1,
            JsonNamingPolicy.KebabCaseLower.ConvertName(model.Config.Cell.ToString()),
            JsonNamingPolicy.KebabCaseLower.ConvertName(model.Config.Attention.ToString()),
            files,
            new CaptionerOnnxPreprocessing(p.Size, JsonNamingPolicy.KebabCaseLower.ConvertName(p.Resize.ToString()),
                [p.Mean.R, p.Mean.G, p.Mean.B], [p.Std.R, p.Std.G, p.Std.B]),
            network.Encoder.GridHeight, network.Encoder.GridWidth,
            model.Vocabulary.Tokens,
            new CaptionerOnnxTokens(Vocabulary.Pad, Vocabulary.Start, Vocabulary.End, Vocabulary.Unknown),
            [Vocabulary.Pad, Vocabulary.Start, Vocabulary.Unknown],
            model.Config.MaxLength - 1,
            CaptionerOnnx.StateNames(model.Config), CaptionerOnnx.MemoryNames(model.Config),
            Onnx.OnnxGraph.Opset,
            $"Spotlight {Runtime.RuntimeInfo.VersionOf(typeof(CaptionerOnnxExport).Assembly)}");
        AtomicFile.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest, Json));
        return manifest;
    }

    /// <summary>Reads and checks a folder's captioner.json; one line naming the file when it is missing or wrong.</summary>
    public static CaptionerOnnxManifest ReadManifest(string folder)
    {
        var path = Path.Combine(folder, ManifestFile);
        if (!File.Exists(path)) throw new SpotlightException($"{path}: file not found (is {folder} a folder written by `spotlight export onnx`?)");
        CaptionerOnnxManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CaptionerOnnxManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new SpotlightException($"{path}: not a valid captioner manifest ({e.Message.Split('\n')[0]})");
        }
        if (manifest is null || manifest.Format != CaptionerOnnxManifest.FormatName)
            throw new SpotlightException($"{path}: not a {CaptionerOnnxManifest.FormatName} manifest");
        if (manifest.Version != 1) throw new SpotlightException($"{path}: manifest version {manifest.Version} is newer than this Spotlight reads (1)");
        if (manifest.Files is null || manifest.State is null || manifest.Memory is null || manifest.Vocabulary is null)
            throw new SpotlightException($"{path}: the manifest lacks files, state, memory or vocabulary");
        return manifest;
    }
}
