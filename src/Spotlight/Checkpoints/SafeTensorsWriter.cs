using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace Spotlight.Checkpoints;

/// <summary>
/// Lays out and writes a safetensors file the way the reference writer does: tensors ordered by element size
/// (largest first) and then by name, so that with an 8-byte-aligned header every tensor starts at a multiple of
/// its element size and zero-copy readers can map it; the JSON header padded with spaces to a multiple of 8.
/// </summary>
internal static class SafeTensorsWriter
{
    internal sealed record FileLayout(byte[] HeaderJson, IReadOnlyList<SafeTensorsEntry> Entries);

    public static FileLayout Layout(IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this machine is not");

        var ordered = tensors
            .Select(pair => (pair.Key, Tensor: pair.Value ?? throw new ArgumentException($"tensor '{pair.Key}' is null")))
            .Select(pair => (Name: pair.Key, pair.Tensor, DType: SafeTensorsDType.NameOf(pair.Tensor.dtype),
                Size: SafeTensorsDType.SizeOf(pair.Tensor.dtype)))
            .OrderByDescending(t => t.Size).ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();

        var entries = new List<SafeTensorsEntry>(ordered.Count);
        long offset = 0;
        foreach (var (name, tensor, dtype, size) in ordered)
        {
            if (name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved and cannot name a tensor");
            var length = checked(tensor.numel() * size);
            entries.Add(new SafeTensorsEntry(name, dtype, tensor.dtype, tensor.shape, offset, offset + length));
            offset += length;
        }
        return new FileLayout(HeaderJson(entries, metadata), entries);
    }

    public static void Write(Stream stream, FileLayout layout, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)layout.HeaderJson.Length);
        stream.Write(prefix);
        stream.Write(layout.HeaderJson);
        foreach (var entry in layout.Entries)
        {
            if (entry.ByteLength == 0) continue;
            using var scope = NewDisposeScope();
            var cpu = tensors[entry.Name].detach().cpu().contiguous();
            cpu.WriteBytesToStream(stream, (int)Math.Min(entry.ByteLength, 1 << 20));
        }
    }

    private static byte[] HeaderJson(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps JSON blobs inside metadata readable (\" instead of \u0022); it is still valid JSON.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                    json.WriteString(key, value ?? throw new ArgumentException($"metadata '{key}' is null"));
                json.WriteEndObject();
            }
            foreach (var entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", entry.DType);
                json.WriteStartArray("shape");
                foreach (var dim in entry.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(entry.Begin);
                json.WriteNumberValue(entry.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
