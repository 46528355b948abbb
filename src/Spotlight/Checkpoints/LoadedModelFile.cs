using System.Text.Json;
using static TorchSharp.torch;

namespace Spotlight.Checkpoints;

/// <summary>
/// A verified Spotlight file in memory: its kind, JSON blobs and tensors (CPU). Owns the tensors; dispose it once
/// they are copied where they belong (<see cref="LoadInto"/> copies, so disposing afterwards is safe).
/// </summary>
public sealed class LoadedModelFile : IDisposable
{
    private readonly SafeTensorsFile file;

    public string Path => file.Source;
    public string Kind { get; }
    public string FormatVersion { get; }
    public string Checksum { get; }

    /// <summary>Name → JSON text, for every metadata entry other than format, format_version, kind and checksum.</summary>
    public IReadOnlyDictionary<string, string> Blobs { get; }

    public IReadOnlyDictionary<string, Tensor> Tensors => file.Tensors;

    internal LoadedModelFile(SafeTensorsFile file, string kind, string formatVersion, string checksum,
        IReadOnlyDictionary<string, string> blobs)
    {
        this.file = file;
        Kind = kind;
        FormatVersion = formatVersion;
        Checksum = checksum;
        Blobs = blobs;
    }

    /// <summary>The training summary's JSON, under its name or the older inpainting one; null when the file has none.</summary>
    public string? Summary => Blobs.GetValueOrDefault(ModelFile.SummaryBlob) ?? Blobs.GetValueOrDefault(ModelFile.OldSummaryBlob);

    /// <summary>The JSON text of a blob the caller needs; a file without it is a user-facing error.</summary>
    public string Blob(string name) =>
        Blobs.TryGetValue(name, out var json) ? json : throw new SpotlightException($"{Path}: has no '{name}' entry");

    /// <summary>
    /// Deserializes a blob into a type the caller chooses (typically a config record). The file never picks a
    /// type, so nothing in it can make code run.
    /// </summary>
    public T ReadBlob<T>(string name, JsonSerializerOptions? options = null) => ReadBlob<T>(Path, Blobs, name, options);

    internal static T ReadBlob<T>(string path, IReadOnlyDictionary<string, string> blobs, string name, JsonSerializerOptions? options)
    {
        if (!blobs.TryGetValue(name, out var json)) throw new SpotlightException($"{path}: has no '{name}' entry");
        try
        {
            return JsonSerializer.Deserialize<T>(json, options) ?? throw new SpotlightException($"{path}: '{name}' is null");
        }
        catch (JsonException e)
        {
            throw new SpotlightException($"{path}: '{name}' does not describe a {typeof(T).Name} ({SafeTensorsHeader.OneLine(e.Message)})");
        }
    }

    /// <summary>Copies the tensors into the module's parameters and buffers; names, shapes and types must match exactly.</summary>
    public void LoadInto(nn.Module module) => StateDictLoader.Load(Path, module, Tensors);

    public void Dispose() => file.Dispose();
}
