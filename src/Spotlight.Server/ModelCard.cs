using System.Text.Json;
using Spotlight.Captioning;

namespace Spotlight.Server;

/// <summary>
/// <c>GET /v1/model</c>: what is being served and how it was made. Config and preprocessing are the model file's, with
/// snake_case names; training is the file's training summary, and validation its <c>*_validation_*</c> scores.
/// </summary>
public sealed record ModelCard(
    string Id, string File, string Checksum, string Kind, JsonElement Config, int VocabularySize,
    JsonElement Preprocessing, int GridHeight, int GridWidth, JsonElement? Training,
    IReadOnlyDictionary<string, double>? Validation, ServerLimits Limits, BatchingSettings Batching)
{
    // The model file's own JSON options (enum names in kebab-case), with the API's snake_case property names.
    private static readonly JsonSerializerOptions CardJson = new(CaptionModel.Json) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static ModelCard From(ModelInfo info, ServerOptions options)
    {
        var training = ParseSummary(info.SummaryJson);
        return new ModelCard(
            info.Id, info.FileName, info.Checksum, CaptionModel.Kind,
            JsonSerializer.SerializeToElement(info.Config, CardJson), info.VocabularySize,
            JsonSerializer.SerializeToElement(info.Preprocessing, CardJson), info.GridHeight, info.GridWidth,
            training, ValidationScores(training),
            new ServerLimits(options.MaxBodyBytes, options.MaxPixels, options.MaxBeam, options.MaxLength, options.DefaultBeam,
                options.MaxConcurrency, options.MaxQueue, options.RequestTimeout.TotalSeconds),
            new BatchingSettings(options.MaxBatch, options.MaxWaitMs));
    }

    /// <summary>A summary that is not a JSON object is left out rather than failing the card.</summary>
    private static JsonElement? ParseSummary(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IReadOnlyDictionary<string, double>? ValidationScores(JsonElement? training)
    {
        if (training is not JsonElement summary) return null;
        var scores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in summary.EnumerateObject())
        {
            bool score = property.Name.StartsWith("best_validation_", StringComparison.Ordinal)
                || property.Name.StartsWith("last_validation_", StringComparison.Ordinal);
            if (score && property.Value.ValueKind == JsonValueKind.Number) scores[property.Name] = property.Value.GetDouble();
        }
        return scores;
    }
}

/// <summary>The limits a client must stay within (the page reads them to set its controls).</summary>
public sealed record ServerLimits(
    long MaxBodyBytes, long MaxPixels, int MaxBeam, int MaxLength, int DefaultBeam, int MaxConcurrency, int MaxQueue,
    double RequestTimeoutSeconds);

public sealed record BatchingSettings(int MaxBatch, int MaxWaitMs);
