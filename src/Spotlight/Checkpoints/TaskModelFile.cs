using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Checkpoints;

/// <summary>
/// The model file of a task (captioner, translator, inpainter, image encoder …): <c>kind</c>, <c>config</c> (the JSON
/// of the task's config record), the network's state dict, an optional <c>training_summary</c>, and the task's own
/// blobs (vocabulary, subword models, preprocessing, labels). One name for each entry; the summary is also read under
/// <c>summary</c>, the name inpainting files used before this helper. A task declares one instance next to its kind.
/// </summary>
public sealed class TaskModelFile<TConfig>(string kind, JsonSerializerOptions? json = null)
{
    private static readonly string[] OwnEntries = [ModelFile.ConfigBlob, ModelFile.SummaryBlob, ModelFile.OldSummaryBlob];

    public string Kind { get; } = kind;

    /// <summary>Saves the network's state dict with its config, summary (when given) and the task's own blobs.</summary>
    public void Save(string path, nn.Module network, TConfig config, string? summaryJson = null,
        IReadOnlyDictionary<string, string>? blobs = null) => SaveTensors(path, network.state_dict(), config, summaryJson, blobs);

    /// <summary>Saves named tensors (not necessarily a whole module's) with the config, summary and blobs.</summary>
    public void SaveTensors(string path, IReadOnlyDictionary<string, Tensor> tensors, TConfig config, string? summaryJson = null,
        IReadOnlyDictionary<string, string>? blobs = null)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in blobs ?? new Dictionary<string, string>())
        {
            if (OwnEntries.Contains(name))
                throw new ArgumentException($"'{name}' is written from the config or summary, not as a task blob", nameof(blobs));
            all[name] = value;
        }
        all[ModelFile.ConfigBlob] = JsonSerializer.Serialize(config, json);
        if (summaryJson is not null) all[ModelFile.SummaryBlob] = summaryJson;
        ModelFile.Save(path, Kind, tensors, all);
    }

    /// <summary>The config and blobs from the header alone, without reading or verifying the weights (fast, for inspection).</summary>
    public (TConfig Config, IReadOnlyDictionary<string, string> Blobs) Inspect(string path)
    {
        var (kind, blobs, _) = ModelFile.Inspect(path);
        if (kind != Kind) throw new SpotlightException($"{path}: holds a '{kind}', not a '{Kind}'");
        return (LoadedModelFile.ReadBlob<TConfig>(path, blobs, ModelFile.ConfigBlob, json), blobs);
    }

    /// <summary>
    /// Reads and verifies the file and its config, lets <paramref name="build"/> make the model from them, and
    /// releases the file's tensors afterwards, whether <paramref name="build"/> succeeds or throws.
    /// </summary>
    public TModel Load<TModel>(string path, Func<TaskModelContents<TConfig>, TModel> build)
    {
        using var file = ModelFile.Load(path, Kind);
        return build(new TaskModelContents<TConfig>(file, file.ReadBlob<TConfig>(ModelFile.ConfigBlob, json), json));
    }
}

/// <summary>A verified task model file while it is being loaded: its config, summary, blobs and weights.</summary>
public sealed class TaskModelContents<TConfig>
{
    private readonly JsonSerializerOptions? json;

    internal TaskModelContents(LoadedModelFile file, TConfig config, JsonSerializerOptions? json)
    {
        File = file;
        Config = config;
        this.json = json;
    }

    public LoadedModelFile File { get; }
    public string Path => File.Path;
    public TConfig Config { get; }
    public string? Summary => File.Summary;

    /// <summary>A task blob, deserialized with the task's JSON options; missing or malformed is a one-line error.</summary>
    public T Read<T>(string name) => File.ReadBlob<T>(name, json);

    /// <summary>
    /// Builds the network from the config, moves it to <paramref name="device"/> (when given), copies the weights
    /// (names, shapes and types must match exactly) and switches it to evaluation; disposes it if any step fails.
    /// </summary>
    public TNetwork Network<TNetwork>(Func<TConfig, TNetwork> create, Device? device = null) where TNetwork : nn.Module
    {
        var network = create(Config);
        try
        {
            if (device is not null) network.to(device);
            File.LoadInto(network);
            network.eval();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
