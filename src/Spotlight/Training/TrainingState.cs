using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spotlight.Training;

/// <summary>
/// Where a run stands, saved in every checkpoint (entry "progress") so that a resumed run continues the same
/// trajectory: position (epoch, batch within it, step), the best validation score (with a tie-breaker), validations
/// without improvement, the plateau rule's learning-rate scale and the training time so far. Tasks add fields of their
/// own to the same JSON object (e.g. the validation history, kept snapshots).
/// </summary>
public sealed record TrainingState(
    int Epoch, int Batch, long Step, double Best, double BestTieBreak, int BadValidations, double PlateauScale, double ElapsedSeconds)
{
    public static TrainingState Start => new(0, 0, 0, double.NegativeInfinity, double.NegativeInfinity, 0, 1, 0);

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The progress object: this state's fields plus the task's own.</summary>
    public JsonObject ToJson(IReadOnlyDictionary<string, JsonNode?> taskFields)
    {
        var json = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        foreach (var (name, value) in taskFields) json[name] = value;
        return json;
    }

    /// <summary>
    /// Reads a progress object, including those written before the shared loop: captioning's BestScore, BadEpochs and
    /// absolute LearningRate (<paramref name="peak"/> turns it into a scale), translation's BestBleu/BestChrF,
    /// inpainting's BestPsnr and its lack of epochs.
    /// </summary>
    public static TrainingState FromJson(string path, JsonElement progress, double peak)
    {
        try
        {
            double Number(params string[] names)
            {
                foreach (var name in names)
                    if (progress.TryGetProperty(name, out var v))
                        return v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : v.GetDouble();
                return double.NaN;
            }
            double Or(double value, double fallback) => double.IsNaN(value) ? fallback : value;
            double step = Number("Step");
            if (double.IsNaN(step)) throw new SpotlightException($"{path}: checkpoint progress has no step");
            double plateau = Number("PlateauScale");
            if (double.IsNaN(plateau)) plateau = Number("LearningRate") / peak;    // captioning before the shared loop
            return new TrainingState(
                (int)Or(Number("Epoch"), 0), (int)Or(Number("Batch"), 0), (long)step,
                Or(Number("Best", "BestScore", "BestBleu", "BestPsnr"), double.NegativeInfinity),
                Or(Number("BestTieBreak", "BestChrF"), double.NegativeInfinity),
                (int)Or(Number("BadValidations", "BadEpochs"), 0),
                Or(plateau, 1), Or(Number("ElapsedSeconds"), 0));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new SpotlightException($"{path}: checkpoint progress is malformed ({e.Message})");
        }
    }
}
