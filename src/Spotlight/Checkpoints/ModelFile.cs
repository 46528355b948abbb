using System.Text.Json;
using static TorchSharp.torch;

namespace Spotlight.Checkpoints;

/// <summary>
/// A <c>*.spotlight</c> file: a standard safetensors file holding a module's state dict (parameters and
/// buffers), whose <c>__metadata__</c> makes it self-describing: <c>format</c>, <c>format_version</c>,
/// <c>kind</c>, <c>config</c> and other JSON blobs (vocabulary, training summary, model card), and a
/// <c>checksum</c> (<see cref="SpotlightChecksum"/>). Any safetensors reader can open it; docs/model-file.md
/// describes it byte by byte.
/// </summary>
public static class ModelFile
{
    public const string Format = "spotlight-model";
    public const string FormatVersion = "1";
    public const string Extension = ".spotlight";
    public const string ConfigBlob = "config";
    /// <summary>The training summary (data, steps, validation scores) that model cards show.</summary>
    public const string SummaryBlob = "training_summary";
    /// <summary>The summary's name in inpainting files written before <see cref="TaskModelFile{TConfig}"/>; read, never written.</summary>
    public const string OldSummaryBlob = "summary";

    internal const string FormatKey = "format";
    internal const string FormatVersionKey = "format_version";
    internal const string KindKey = "kind";

    /// <summary>Metadata names Spotlight itself sets; a blob cannot use them.</summary>
    public static readonly IReadOnlySet<string> ReservedNames =
        new HashSet<string>(StringComparer.Ordinal) { FormatKey, FormatVersionKey, KindKey, SpotlightChecksum.Key };

    /// <summary>Saves the module's state dict with its blobs; <paramref name="jsonBlobs"/> must include "config".</summary>
    public static void Save(string path, string kind, nn.Module module, IReadOnlyDictionary<string, string> jsonBlobs)
    {
        if (!jsonBlobs.ContainsKey(ConfigBlob))
            throw new ArgumentException("a model file needs a 'config' blob so the model can be rebuilt", nameof(jsonBlobs));
        Save(path, kind, module.state_dict(), jsonBlobs);
    }

    /// <summary>Saves any named tensors with their blobs (the general form that checkpoints build on).</summary>
    public static void Save(string path, string kind, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string> jsonBlobs)
    {
        if (string.IsNullOrWhiteSpace(kind)) throw new ArgumentException("kind must be a non-empty name", nameof(kind));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FormatKey] = Format,
            [FormatVersionKey] = FormatVersion,
            [KindKey] = kind,
        };
        foreach (var (name, json) in jsonBlobs)
        {
            if (ReservedNames.Contains(name) || name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"'{name}' is reserved and cannot name a blob", nameof(jsonBlobs));
            if (!IsJson(json, out var error))
                throw new ArgumentException($"blob '{name}' is not valid JSON ({error})", nameof(jsonBlobs));
            metadata[name] = json;
        }

        // The layout (and so every offset the checksum covers) does not depend on the metadata.
        var layout = SafeTensorsWriter.Layout(tensors, metadata);
        metadata[SpotlightChecksum.Key] = SpotlightChecksum.Compute(metadata, layout.Entries, tensors);
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>
    /// Reads and verifies a Spotlight file: structure, format, version, checksum, then (when given) kind. Every
    /// failure is a <see cref="SpotlightException"/> whose one-line message names the file and the problem.
    /// </summary>
    public static LoadedModelFile Load(string path, string? expectedKind = null)
    {
        var file = SafeTensors.Read(path);
        try
        {
            var loaded = Verify(file, expectedKind);
            if (loaded.Kind != TrainingCheckpoint.Kind && !loaded.Blobs.ContainsKey(ConfigBlob))
                throw new SpotlightException($"{path}: has no 'config' entry, so the model cannot be rebuilt");
            return loaded;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads only the header: kind and blobs, without loading or verifying the tensors (fast, for inspection).</summary>
    public static (string Kind, IReadOnlyDictionary<string, string> Blobs, SafeTensorsHeader Header) Inspect(string path)
    {
        var header = SafeTensors.ReadHeader(path);
        var (kind, _) = CheckFormat(path, header.Metadata);
        return (kind, BlobsOf(header.Metadata), header);
    }

    private static LoadedModelFile Verify(SafeTensorsFile file, string? expectedKind)
    {
        var path = file.Source;
        var (kind, version) = CheckFormat(path, file.Metadata);
        if (!file.Metadata.TryGetValue(SpotlightChecksum.Key, out var stored))
            throw new SpotlightException($"{path}: has no checksum (not written by Spotlight, or edited by hand)");
        var actual = SpotlightChecksum.Compute(file.Metadata, file.Header.Entries, file.Tensors);
        if (stored != actual)  // exact: the stored form is lower-case hex, so any edit to it is an edit
            throw new SpotlightException($"{path}: checksum mismatch (the file is corrupted or was modified after it was saved)");
        if (expectedKind is not null && kind != expectedKind)
            throw new SpotlightException($"{path}: holds a '{kind}', not a '{expectedKind}'");

        var blobs = BlobsOf(file.Metadata);
        foreach (var (name, json) in blobs)
            if (!IsJson(json, out var error))
                throw new SpotlightException($"{path}: entry '{name}' is not valid JSON ({error})");
        return new LoadedModelFile(file, kind, version, stored, blobs);
    }

    private static (string Kind, string Version) CheckFormat(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(FormatKey, out var format))
            throw new SpotlightException($"{path}: a safetensors file but not a Spotlight model file (no 'format' metadata)");
        if (format != Format)
            throw new SpotlightException($"{path}: not a Spotlight model file (format '{format}', expected '{Format}')");
        if (!metadata.TryGetValue(FormatVersionKey, out var version))
            throw new SpotlightException($"{path}: has no 'format_version' metadata");
        if (version != FormatVersion)
        {
            var newer = int.TryParse(version, out var number) && number > int.Parse(FormatVersion);
            throw new SpotlightException(newer
                ? $"{path}: format version {version} was written by a newer Spotlight; this one reads version {FormatVersion}"
                : $"{path}: unsupported format version '{version}' (this Spotlight reads version {FormatVersion})");
        }
        if (!metadata.TryGetValue(KindKey, out var kind) || string.IsNullOrWhiteSpace(kind))
            throw new SpotlightException($"{path}: has no 'kind' metadata");
        return (kind, version);
    }

    private static Dictionary<string, string> BlobsOf(IReadOnlyDictionary<string, string> metadata) =>
        metadata.Where(p => !ReservedNames.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static bool IsJson(string text, out string error)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            error = SafeTensorsHeader.OneLine(e.Message);
            return false;
        }
    }
}
