using System.Globalization;
using System.Text.Json;

namespace Spotlight.Metrics;

/// <summary>JSON reading shared by the caption loaders: every problem becomes one SpotlightException line naming the file.</summary>
internal static class CaptionJson
{
    public static JsonDocument Parse(string path) => IO.JsonFile.Parse(path);

    /// <summary>An image id as text: an integer as its decimal digits, a string as itself; anything else is an error.</summary>
    public static string Id(JsonElement owner, string property, string path, string where)
    {
        if (!owner.TryGetProperty(property, out var value))
            throw new SpotlightException($"{path}: {where} has no \"{property}\"");
        return value.ValueKind switch
        {
            JsonValueKind.String when value.GetString()!.Length > 0 => value.GetString()!,
            JsonValueKind.Number when value.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => throw new SpotlightException($"{path}: {where} has \"{property}\" {Show(value)}; expected an integer or a non-empty string"),
        };
    }

    public static string String(JsonElement owner, string property, string path, string where)
    {
        if (!owner.TryGetProperty(property, out var value))
            throw new SpotlightException($"{path}: {where} has no \"{property}\"");
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new SpotlightException($"{path}: {where} has \"{property}\" {Show(value)}; expected a string");
    }

    public static JsonElement Array(JsonElement owner, string property, string path, string where)
    {
        if (!owner.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.Array)
            throw new SpotlightException($"{path}: {where} has no \"{property}\" array");
        return value;
    }

    public static void ExpectObject(JsonElement element, string path, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new SpotlightException($"{path}: {where} is {Show(element)}; expected an object");
    }

    private static string Show(JsonElement value)
    {
        var text = value.GetRawText();
        return value.ValueKind + " " + (text.Length > 40 ? text[..40] + "…" : text);
    }

}
