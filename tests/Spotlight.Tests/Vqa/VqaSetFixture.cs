using Spotlight.Tests.Vision;
using Spotlight.Vqa.Data;

namespace Spotlight.Tests.Vqa;

/// <summary>One small generated VQA set on disk, shared by the tests of a class (generation takes about a second).</summary>
public sealed class VqaSetFixture : IDisposable
{
    public static readonly VqaSynthConfig Config = new(Train: 400, Val: 60, Test: 60, Size: 64, Seed: 5);

    private readonly TempDirectory dir = new();

    public VqaSetFixture()
    {
        VqaSynthetic.Generate(Config, dir.Path);
        Data = VqaDataset.Load(dir.Path);
    }

    public string Path => dir.Path;
    public VqaDataset Data { get; }

    public void Dispose() => dir.Dispose();
}
