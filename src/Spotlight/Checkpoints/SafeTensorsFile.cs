using static TorchSharp.torch;

namespace Spotlight.Checkpoints;

/// <summary>
/// A safetensors file read into memory: its metadata and its tensors (CPU, owned by this object and detached from
/// any dispose scope, so they live until <see cref="Dispose"/>).
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;

    /// <summary>Where the file came from (a path, or the name the caller gave a stream), as errors name it.</summary>
    public string Source { get; }

    public SafeTensorsHeader Header { get; }

    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>Name → tensor, for every tensor in the file.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => tensors;

    internal SafeTensorsFile(string source, SafeTensorsHeader header, Dictionary<string, Tensor> tensors)
    {
        Source = source;
        Header = header;
        this.tensors = tensors;
    }

    public void Dispose()
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
        tensors.Clear();
    }
}
