using System.Text.Json;

namespace Spotlight.IO;

/// <summary>
/// Reading data-set JSON with errors that say where: every failure is a SpotlightException naming the file and
/// the element ("captions.json: annotations[17].image_id: expected a number").
/// </summary>
internal static class JsonFile
{
    public static JsonDocument Parse(string path)
    {
        if (!File.Exists(path)) throw new SpotlightException($"{path}: file not found");
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = false, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new SpotlightException($"{path}: malformed JSON at line {e.LineNumber + 1} ({FirstLine(e.Message)})");
        }
    }

    public static JsonElement Object(JsonElement parent, string name, string where, string file) =>
        Get(parent, name, JsonValueKind.Object, where, file);

    public static JsonElement Array(JsonElement parent, string name, string where, string file) =>
        Get(parent, name, JsonValueKind.Array, where, file);

    public static string String(JsonElement parent, string name, string where, string file) =>
        Get(parent, name, JsonValueKind.String, where, file).GetString()!;

    public static long Integer(JsonElement parent, string name, string where, string file)
    {
        var value = Get(parent, name, JsonValueKind.Number, where, file);
        if (!value.TryGetInt64(out long n)) throw new SpotlightException($"{file}: {where}.{name}: expected an integer, got {value.GetRawText()}");
        return n;
    }

    public static void ExpectKind(JsonElement element, JsonValueKind kind, string where, string file)
    {
        if (element.ValueKind != kind)
            throw new SpotlightException($"{file}: {where}: expected {Describe(kind)}, got {Describe(element.ValueKind)}");
    }

    private static JsonElement Get(JsonElement parent, string name, JsonValueKind kind, string where, string file)
    {
        ExpectKind(parent, JsonValueKind.Object, where, file);
        if (!parent.TryGetProperty(name, out var value)) throw new SpotlightException($"{file}: {where}: missing \"{name}\"");
        ExpectKind(value, kind, $"{where}.{name}", file);
        return value;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
