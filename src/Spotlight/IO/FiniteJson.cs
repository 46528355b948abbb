using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spotlight.IO;

/// <summary>
/// JSON for results that may hold figures which do not apply (a grounding accuracy with no grounded word is NaN, a
/// PSNR of identical images +∞): such a number is written as null, where System.Text.Json would otherwise throw.
/// </summary>
public static class FiniteJson
{
    public static readonly JsonSerializerOptions Options = new() { Converters = { new FiniteOrNull() } };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    private sealed class FiniteOrNull : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }

        public override bool HandleNull => true;
    }
}
