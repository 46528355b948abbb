using Spotlight.IO;
using System.Buffers.Binary;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length N, N bytes of JSON header, then the tensors' raw little-endian bytes. Nothing in the file is
/// executed or used to pick a type; every number is validated before use (see <see cref="SafeTensorsHeader"/>).
/// Problems with a file are <see cref="SpotlightException"/>s whose message starts with the file's name.
/// </summary>
public static class SafeTensors
{
    // ---- reading -------------------------------------------------------------------------------------------

    public static SafeTensorsFile Read(string path)
    {
        using var stream = OpenForReading(path);
        return Read(stream, path);
    }

    public static SafeTensorsFile Read(byte[] bytes, string source = "<bytes>")
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Read(stream, source);
    }

    /// <summary>Reads from the stream's current position to its end; <paramref name="source"/> names it in errors.</summary>
    public static SafeTensorsFile Read(Stream stream, string source)
    {
        if (!stream.CanSeek) return Read(CopyToMemory(stream), source);  // the length is needed before any data
        var header = ReadHeader(stream, source);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            // The entries tile the data section in offset order, so the bytes can be read front to back.
            foreach (var entry in header.Entries)
                tensors.Add(entry.Name, ReadTensor(stream, source, entry));
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
        return new SafeTensorsFile(source, header, tensors);
    }

    /// <summary>Reads and validates only the header: metadata and tensor layout, no tensor data.</summary>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        using var stream = OpenForReading(path);
        return ReadHeader(stream, path);
    }

    /// <summary>Reads the header and leaves the stream at the start of the data section.</summary>
    public static SafeTensorsHeader ReadHeader(Stream stream, string source)
    {
        if (!stream.CanSeek) throw new ArgumentException("ReadHeader needs a seekable stream", nameof(stream));
        var available = stream.Length - stream.Position;
        if (available == 0) throw SafeTensorsHeader.Fail(source, "file is empty (not a safetensors file)");
        if (available < 8)
            throw SafeTensorsHeader.Fail(source, $"file is only {available} bytes, too short for a safetensors file");

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, source);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > SafeTensorsHeader.MaxHeaderBytes)
            throw SafeTensorsHeader.Fail(source, $"not a safetensors file (its first 8 bytes give a header length of {headerLength} bytes, over the {SafeTensorsHeader.MaxHeaderBytes / (1024 * 1024)} MB limit)");
        if ((long)headerLength > available - 8)
            throw SafeTensorsHeader.Fail(source, $"truncated or not a safetensors file (the header length is {headerLength} bytes but only {available - 8} bytes follow)");

        var json = new byte[headerLength];
        ReadExactly(stream, json, source);
        return SafeTensorsHeader.Parse(source, json, available - 8 - (long)headerLength);
    }

    private static Tensor ReadTensor(Stream stream, string source, SafeTensorsEntry entry)
    {
        // BOOL arrives as bytes so that values other than 0 and 1 (undefined for a C++ bool) can be rejected.
        var readAs = entry.ScalarType == ScalarType.Bool ? ScalarType.Byte : entry.ScalarType;
        var tensor = empty(entry.Shape, readAs, CPU).DetachFromDisposeScope();
        try
        {
            if (entry.ByteLength > 0) tensor.ReadBytesFromStream(stream, (int)Math.Min(entry.ByteLength, 1 << 20));
            if (entry.ScalarType != ScalarType.Bool) return tensor;

            using var scope = NewDisposeScope();
            if ((tensor > 1).any().item<bool>())
                throw SafeTensorsHeader.Fail(source, $"tensor '{entry.Name}' is BOOL but holds bytes other than 0 and 1");
            var converted = tensor.to_type(ScalarType.Bool).DetachFromDisposeScope();
            tensor.Dispose();
            return converted;
        }
        catch (EndOfStreamException)
        {
            tensor.Dispose();
            throw SafeTensorsHeader.Fail(source, $"file ended while reading tensor '{entry.Name}' (truncated while being read?)");
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    // ---- writing -------------------------------------------------------------------------------------------

    /// <summary>
    /// Writes the tensors (any device; they are copied to the CPU) atomically: a temporary file in the same
    /// directory, renamed over <paramref name="path"/> only once complete.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = SafeTensorsWriter.Layout(tensors, metadata);  // fail on bad input before touching the disk
        AtomicFile.Write(path, stream => SafeTensorsWriter.Write(stream, header, tensors));
    }

    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.Write(stream, SafeTensorsWriter.Layout(tensors, metadata), tensors);

    public static byte[] ToBytes(IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static FileStream OpenForReading(string path)
    {
        if (!File.Exists(path)) throw new SpotlightException($"{path}: file not found");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw SafeTensorsHeader.Fail(source, "file ended early (truncated while being read?)");
        }
    }

    private static MemoryStream CopyToMemory(Stream stream)
    {
        var memory = new MemoryStream();
        stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }
}
