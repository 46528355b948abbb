using System.Text.Json;
using TorchSharp;

namespace Spotlight.Checkpoints;

/// <summary>One tensor's header entry. Offsets are relative to the start of the data section.</summary>
public sealed record SafeTensorsEntry(string Name, string DType, torch.ScalarType ScalarType, long[] Shape,
    long Begin, long End)
{
    public long ByteLength => End - Begin;
}

/// <summary>
/// The parsed and fully validated JSON header of a safetensors file. Every number in it has been checked against
/// the file before anything is allocated or read, so a hostile file fails here with a <see cref="SpotlightException"/>
/// instead of causing a huge allocation or an out-of-bounds read.
/// </summary>
public sealed class SafeTensorsHeader
{
    /// <summary>The reference implementation's limit; real headers are kilobytes to a few megabytes.</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    public const string MetadataKey = "__metadata__";

    /// <summary>The <c>__metadata__</c> map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in data order (ascending offsets), which is the order their bytes follow the header.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>N, the JSON header's length in bytes (including any space padding).</summary>
    public long HeaderLength { get; }

    /// <summary>Bytes after the header; exactly the sum of the tensors' byte lengths.</summary>
    public long DataLength { get; }

    /// <summary>Where the data section starts in the file: after the 8-byte length and the header.</summary>
    public long DataOffset => 8 + HeaderLength;

    private SafeTensorsHeader(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafeTensorsEntry> entries,
        long headerLength, long dataLength)
    {
        Metadata = metadata;
        Entries = entries;
        HeaderLength = headerLength;
        DataLength = dataLength;
    }

    internal static SafeTensorsHeader Parse(string source, ReadOnlySpan<byte> json, long dataLength)
    {
        // The reference rejects headers that do not start with '{' (no BOM, no leading space); so do we.
        if (json.Length == 0 || json[0] != (byte)'{')
            throw Fail(source, "not a safetensors file (the header does not start with '{')");

        // JsonDocument checks UTF-8 only when a string is read, and then throws InvalidOperationException.
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw Fail(source, "the safetensors header is not valid UTF-8");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Fail(source, $"the safetensors header is not valid JSON ({OneLine(e.Message)})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Fail(source, "the safetensors header is not a JSON object");

            IReadOnlyDictionary<string, string>? metadata = null;
            var entries = new List<SafeTensorsEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                // JsonDocument keeps duplicate keys; a reader that silently took the first or the last would let
                // two tools see different tensors in the same file.
                if (!names.Add(property.Name))
                    throw Fail(source, $"the safetensors header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                    metadata = ParseMetadata(source, property.Value);
                else
                    entries.Add(ParseEntry(source, property.Name, property.Value));
            }

            var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            CheckLayout(source, ordered, dataLength);
            return new SafeTensorsHeader(metadata ?? new Dictionary<string, string>(), ordered,
                json.Length, dataLength);
        }
    }

    private static Dictionary<string, string> ParseMetadata(string source, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Fail(source, "'__metadata__' in the safetensors header is not a JSON object");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
                throw Fail(source, $"metadata entry '{property.Name}' is not a string (safetensors metadata maps strings to strings)");
            if (!metadata.TryAdd(property.Name, property.Value.GetString()!))
                throw Fail(source, $"metadata entry '{property.Name}' appears twice");
        }
        return metadata;
    }

    private static SafeTensorsEntry ParseEntry(string source, string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Fail(source, $"tensor '{name}': header entry is not a JSON object");

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (var field in element.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeElement is null: dtypeElement = field.Value; break;
                case "shape" when shapeElement is null: shapeElement = field.Value; break;
                case "data_offsets" when offsetsElement is null: offsetsElement = field.Value; break;
                default: throw Fail(source, $"tensor '{name}': unexpected or repeated field '{field.Name}'");
            }
        }
        if (dtypeElement is not { ValueKind: JsonValueKind.String } dtypeValue)
            throw Fail(source, $"tensor '{name}': missing or non-string 'dtype'");
        if (shapeElement is not { ValueKind: JsonValueKind.Array } shapeValue)
            throw Fail(source, $"tensor '{name}': missing or non-array 'shape'");
        if (offsetsElement is not { ValueKind: JsonValueKind.Array } offsetsValue || offsetsValue.GetArrayLength() != 2)
            throw Fail(source, $"tensor '{name}': 'data_offsets' must be an array [begin, end]");

        var dtype = dtypeValue.GetString()!;
        if (!SafeTensorsDType.TryParse(dtype, out var scalarType, out var elementSize))
            throw Fail(source, $"tensor '{name}': unsupported dtype '{dtype}' (Spotlight reads {SafeTensorsDType.Supported})");

        var shape = new long[shapeValue.GetArrayLength()];
        long elements = 1;
        var i = 0;
        foreach (var dim in shapeValue.EnumerateArray())
        {
            shape[i++] = ReadCount(source, name, "shape", dim);
            elements = CheckedProduct(source, name, elements, shape[i - 1]);
        }
        var byteLength = CheckedProduct(source, name, elements, elementSize);

        var begin = ReadCount(source, name, "data_offsets", offsetsValue[0]);
        var end = ReadCount(source, name, "data_offsets", offsetsValue[1]);
        if (end < begin)
            throw Fail(source, $"tensor '{name}': data_offsets [{begin}, {end}] end before they begin");
        if (end - begin != byteLength)
            throw Fail(source, $"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtype} needs {byteLength} bytes but data_offsets [{begin}, {end}] hold {end - begin}");
        return new SafeTensorsEntry(name, dtype, scalarType, shape, begin, end);
    }

    /// <summary>
    /// The spec requires the tensors to tile the data section exactly: no overlaps (two names for the same bytes)
    /// and no holes (room for a second, hidden payload).
    /// </summary>
    private static void CheckLayout(string source, List<SafeTensorsEntry> ordered, long dataLength)
    {
        long expected = 0;
        SafeTensorsEntry? previous = null;
        foreach (var entry in ordered)
        {
            if (entry.Begin < expected)
                throw Fail(source, $"tensor '{entry.Name}' (bytes {entry.Begin}..{entry.End}) overlaps tensor '{previous!.Name}' (bytes {previous.Begin}..{previous.End})");
            if (entry.Begin > expected)
                throw Fail(source, $"data section has a gap: bytes {expected}..{entry.Begin} before tensor '{entry.Name}' belong to no tensor");
            if (entry.End > dataLength)
                throw Fail(source, $"tensor '{entry.Name}' ends at data byte {entry.End} but the data section has only {dataLength} bytes (file truncated?)");
            expected = entry.End;
            previous = entry;
        }
        if (expected != dataLength)
            throw Fail(source, $"data section has {dataLength} bytes but the tensors cover only {expected} (trailing bytes after the last tensor)");
    }

    private static long ReadCount(string source, string name, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetUInt64(out var number) || number > long.MaxValue)
            throw Fail(source, $"tensor '{name}': '{field}' holds {OneLine(value.GetRawText())}, not a non-negative integer");
        return (long)number;
    }

    private static long CheckedProduct(string source, string name, long a, long b)
    {
        try
        {
            return checked(a * b);
        }
        catch (OverflowException)
        {
            throw Fail(source, $"tensor '{name}': shape is too large (its size overflows 64 bits)");
        }
    }

    internal static SpotlightException Fail(string source, string problem) => new($"{source}: {problem}");

    internal static string OneLine(string text)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= 120 ? flat : flat[..120] + "...";
    }
}
