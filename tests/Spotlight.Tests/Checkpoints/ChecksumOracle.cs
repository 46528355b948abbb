using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Spotlight.Tests.Checkpoints;

/// <summary>
/// The checksum exactly as docs/model-file.md defines it, computed from a file's raw bytes with no Spotlight
/// code: if the library and the document ever disagree, a test fails.
/// </summary>
public static class ChecksumOracle
{
    public sealed record RawEntry(string Name, string DType, long[] Shape, long Begin, long End);

    public static (Dictionary<string, string> Metadata, List<RawEntry> Entries, int DataStart) ParseRaw(byte[] file)
    {
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var json = JsonDocument.Parse(file.AsMemory(8, n));
        var metadata = new Dictionary<string, string>();
        var entries = new List<RawEntry>();
        foreach (var p in json.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__")
            {
                foreach (var m in p.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString()!;
                continue;
            }
            var offsets = p.Value.GetProperty("data_offsets");
            entries.Add(new RawEntry(p.Name, p.Value.GetProperty("dtype").GetString()!,
                p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                offsets[0].GetInt64(), offsets[1].GetInt64()));
        }
        return (metadata, entries, 8 + n);
    }

    public static string Compute(Dictionary<string, string> metadata, List<RawEntry> entries, ReadOnlySpan<byte> data)
    {
        var stream = new MemoryStream();
        stream.Write("spotlight-checksum-1"u8);
        var keys = metadata.Keys.Where(k => k != "checksum").Select(Encoding.UTF8.GetBytes).ToList();
        keys.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        U64(stream, keys.Count);
        foreach (var key in keys)
        {
            Str(stream, key);
            Str(stream, Encoding.UTF8.GetBytes(metadata[Encoding.UTF8.GetString(key)]));
        }
        var sorted = entries.OrderBy(e => Encoding.UTF8.GetBytes(e.Name), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();
        U64(stream, sorted.Count);
        foreach (var e in sorted)
        {
            Str(stream, Encoding.UTF8.GetBytes(e.Name));
            Str(stream, Encoding.UTF8.GetBytes(e.DType));
            U64(stream, e.Shape.Length);
            foreach (var d in e.Shape) U64(stream, d);
            U64(stream, e.Begin);
            U64(stream, e.End);
        }
        stream.Write(data);  // the whole data section, as it lies in the file
        return Convert.ToHexStringLower(SHA256.HashData(stream.ToArray()));
    }

    private static void U64(Stream s, long v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)v);
        s.Write(b);
    }

    private static void Str(Stream s, byte[] utf8)
    {
        U64(s, utf8.Length);
        s.Write(utf8);
    }
}
