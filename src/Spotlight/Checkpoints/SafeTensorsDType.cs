using TorchSharp;

namespace Spotlight.Checkpoints;

/// <summary>
/// The safetensors element types Spotlight reads and writes, by their header names. The format defines more
/// (U16, U32, U64, F8_*): those are rejected with a clear message because libtorch has no CPU tensor type for
/// most of them and Spotlight's models never make them.
/// </summary>
public static class SafeTensorsDType
{
    private static readonly (string Name, torch.ScalarType Type, int Size)[] Table =
    [
        ("F64", torch.ScalarType.Float64, 8),
        ("I64", torch.ScalarType.Int64, 8),
        ("F32", torch.ScalarType.Float32, 4),
        ("I32", torch.ScalarType.Int32, 4),
        ("F16", torch.ScalarType.Float16, 2),
        ("BF16", torch.ScalarType.BFloat16, 2),
        ("I16", torch.ScalarType.Int16, 2),
        ("I8", torch.ScalarType.Int8, 1),
        ("U8", torch.ScalarType.Byte, 1),
        ("BOOL", torch.ScalarType.Bool, 1),
    ];

    /// <summary>The header names accepted, for error messages.</summary>
    public static string Supported => string.Join(", ", Table.Select(t => t.Name));

    public static bool TryParse(string name, out torch.ScalarType type, out int size)
    {
        foreach (var entry in Table)
        {
            if (entry.Name == name)  // the spec's names are upper case; "f32" is not a safetensors dtype
            {
                type = entry.Type;
                size = entry.Size;
                return true;
            }
        }
        type = default;
        size = 0;
        return false;
    }

    public static string NameOf(torch.ScalarType type)
    {
        foreach (var entry in Table)
            if (entry.Type == type) return entry.Name;
        throw new ArgumentException(
            $"tensors of type {type} cannot be stored in a safetensors file by Spotlight (supported: {Supported})");
    }

    public static int SizeOf(torch.ScalarType type)
    {
        foreach (var entry in Table)
            if (entry.Type == type) return entry.Size;
        throw new ArgumentException($"unsupported tensor type {type}");
    }
}
