using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace Spotlight.Checkpoints;

/// <summary>
/// The <c>checksum</c> of a Spotlight file: lower-case hex SHA-256 over a canonical byte stream that covers every
/// metadata entry except <c>checksum</c> itself, every tensor's header entry, and the whole data section, so that
/// a flipped byte anywhere that matters (a weight, a shape, a renamed tensor, an edited config) is detected.
/// The stream (all integers u64 little-endian; a string is its UTF-8 byte length then its UTF-8 bytes; "sorted"
/// means by UTF-8 bytes, which is Unicode code-point order, as Python's <c>sorted(k.encode() ...)</c> gives):
/// <code>
/// "spotlight-checksum-1" (20 ASCII bytes, no length prefix)
/// count of metadata entries M, then M × (key, value) sorted by key
/// count of tensors T, then T × (name, dtype, rank, each dim, begin, end) sorted by name
/// the data section: every byte after the JSON header, to the end of the file
/// </code>
/// docs/model-file.md has the same definition and a 20-line Python checker.
/// </summary>
public static class SpotlightChecksum
{
    public const string Key = "checksum";

    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("spotlight-checksum-1");

    /// <param name="metadata">All metadata; the <c>checksum</c> entry, if present, is skipped.</param>
    /// <param name="entries">The tensors' header entries (any order).</param>
    /// <param name="tensorBytes">Writes one tensor's raw bytes; called in data (offset) order, which reproduces the
    /// data section exactly because the entries tile it without gaps.</param>
    public static string Compute(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafeTensorsEntry> entries,
        Action<SafeTensorsEntry, Stream> tensorBytes)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sink = new HashSink(sha);

        sink.Write(Domain);
        var keys = metadata.Keys.Where(k => k != Key).OrderBy(Utf8, ByteOrder.Instance).ToList();
        WriteCount(sink, keys.Count);
        foreach (var key in keys)
        {
            WriteString(sink, key);
            WriteString(sink, metadata[key]);
        }

        WriteCount(sink, entries.Count);
        foreach (var entry in entries.OrderBy(e => Utf8(e.Name), ByteOrder.Instance))
        {
            WriteString(sink, entry.Name);
            WriteString(sink, entry.DType);
            WriteCount(sink, entry.Shape.Length);
            foreach (var dim in entry.Shape) WriteCount(sink, dim);
            WriteCount(sink, entry.Begin);
            WriteCount(sink, entry.End);
        }

        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            tensorBytes(entry, sink);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Checksum of tensors held in memory (as written, or as read back from a file).</summary>
    public static string Compute(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafeTensorsEntry> entries,
        IReadOnlyDictionary<string, Tensor> tensors) =>
        Compute(metadata, entries, (entry, sink) =>
        {
            if (entry.ByteLength == 0) return;
            using var scope = NewDisposeScope();
            var cpu = tensors[entry.Name].detach().cpu().contiguous();
            cpu.WriteBytesToStream(sink, (int)Math.Min(entry.ByteLength, 1 << 20));
        });

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static void WriteCount(Stream sink, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)value);
        sink.Write(bytes);
    }

    private static void WriteString(Stream sink, string text)
    {
        var bytes = Utf8(text);
        WriteCount(sink, bytes.Length);
        sink.Write(bytes);
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }

    /// <summary>A write-only stream that feeds a hash, so tensor bytes can be hashed with TorchSharp's stream writer.</summary>
    private sealed class HashSink(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
    }
}
