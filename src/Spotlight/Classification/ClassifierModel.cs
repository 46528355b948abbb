using System.Text.Json;
using System.Text.Json.Serialization;
using Spotlight.Checkpoints;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Classification;

/// <summary>A prediction: the classes with their probabilities, best first, and for a ViT the class token's rollout map.</summary>
public sealed record ClassPrediction(string Source, IReadOnlyList<(string Label, double Probability)> Top, float[]? Rollout, int GridHeight, int GridWidth);

/// <summary>A trained classifier with its labels and preprocessing: what one <c>.spotlight</c> file of kind "classifier" holds.</summary>
public sealed class ClassifierModel : IDisposable
{
    public const string Kind = "classifier";

    public static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) } };
    private static readonly TaskModelFile<ClassifierConfig> FileFormat = new(Kind, Json);

    public ClassifierModel(Classifier network, IReadOnlyList<string> labels)
    {
        if (labels.Count != network.Config.Classes)
            throw new SpotlightException($"classifier: {labels.Count} labels for {network.Config.Classes} classes");
        Network = network;
        Labels = labels;
    }

    public Classifier Network { get; }
    public IReadOnlyList<string> Labels { get; }
    public ImagePreprocessing Preprocessing => Network.Config.Preprocessing;
    public string? SummaryJson { get; set; }

    public void Save(string path) => FileFormat.Save(path, Network, Network.Config, SummaryJson,
        new Dictionary<string, string> { ["labels"] = JsonSerializer.Serialize(Labels, Json) });

    public static ClassifierModel Load(string path) => FileFormat.Load(path, file =>
    {
        var labels = file.Read<List<string>>("labels");
        if (labels.Count != file.Config.Classes)
            throw new SpotlightException($"{path}: {labels.Count} labels for the config's {file.Config.Classes} classes");
        try { file.Config.Validate(); }
        catch (SpotlightException e) { throw new SpotlightException($"{path}: {e.Message}"); }
        var network = file.Network(config => new Classifier(config));
        return new ClassifierModel(network, labels) { SummaryJson = file.Summary };
    });

    /// <summary>The seed that split a flat image folder when this model was trained (from its summary; 1 when absent).</summary>
    public long SplitSeed
    {
        get
        {
            if (SummaryJson is null) return 1;
            using var summary = JsonDocument.Parse(SummaryJson);
            return summary.RootElement.TryGetProperty("split_seed", out var seed) && seed.TryGetInt64(out var value) ? value : 1;
        }
    }

    /// <summary>Class probabilities (batch, classes) of preprocessed images.</summary>
    public Tensor Probabilities(Tensor images)
    {
        Network.eval();
        using var noGrad = no_grad();
        return nn.functional.softmax(Network.forward(images), 1);
    }

    /// <summary>Classifies image files: the <paramref name="top"/> classes of each, and a ViT's rollout map.</summary>
    public IReadOnlyList<ClassPrediction> Predict(IReadOnlyList<string> paths, int top = 3)
    {
        var results = new List<ClassPrediction>(paths.Count);
        foreach (var path in paths)
        {
            using var scope = NewDisposeScope();
            var image = ImageTensor.Load(path, Preprocessing).unsqueeze(0);
            Network.eval();
            using var noGrad = no_grad();
            var (logits, attention) = Network.ForwardWithAttention(image);
            var p = nn.functional.softmax(logits, 1)[0].data<float>().ToArray();
            var best = p.Select((v, i) => (Labels[i], (double)v)).OrderByDescending(x => x.Item2).Take(Math.Clamp(top, 1, p.Length)).ToList();
            var rollout = attention is null ? null : AttentionRollout.ClassTokenMap(attention)[0].data<float>().ToArray();
            var grid = (IImageEncoder)Network.Encoder;
            results.Add(rollout is null ? new ClassPrediction(path, best, null, 0, 0) : new ClassPrediction(path, best, rollout, grid.GridHeight, grid.GridWidth));
        }
        return results;
    }

    public void Dispose() => Network.Dispose();
}
