using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace Spotlight.Tests.Checkpoints;

/// <summary>A temporary directory deleted with its contents when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("spotlight-checkpoints-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Builders for hand-made safetensors bytes, written straight from the spec, not from our writer.</summary>
public static class TestFiles
{
    /// <summary>8-byte little-endian header length, the header's UTF-8 bytes, then the data section.</summary>
    public static byte[] Build(string headerJson, params byte[] data) => Build(Encoding.UTF8.GetBytes(headerJson), data);

    public static byte[] Build(byte[] header, byte[] data) =>
        [.. LittleEndian((ulong)header.Length), .. header, .. data];

    public static byte[] LittleEndian(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>The raw bytes of a tensor, for bit-exact comparisons.</summary>
    public static byte[] Bytes(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().cpu().contiguous().bytes.ToArray();
    }
}
