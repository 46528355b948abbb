using Spotlight.Captioning;
using Spotlight.Checkpoints;
using Spotlight.Server;
using Spotlight.Tests.Captioning;

namespace Spotlight.Tests.Server;

/// <summary>
/// One tiny untrained captioner saved to a .spotlight file and loaded back as the servers' backend, the synthetic
/// 32 px test images as uploaded bytes, and reference captions computed without any server: one file at a time
/// through <see cref="CaptionModel.CaptionFiles"/> with the decoder in ONNX Runtime, the CLI's path. Made once, before any server thread exists.
/// </summary>
public sealed class ServerFixture : IDisposable
{
    public static readonly CaptionOptions Greedy = new(Beam: 1);
    public static readonly CaptionOptions Beam3 = new(Beam: 3, Alternatives: 3);
    public static readonly CaptionOptions Short = new(Beam: 2, MaxLength: 4);

    private readonly TinyCaptioningData data = new();
    private readonly Dictionary<(int Image, CaptionOptions Options), CaptionResult> references = [];

    public ServerFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "spotlight-server-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        ModelPath = Path.Combine(Directory, "tiny.spotlight");
        using (var model = data.RandomModel(seed: 5))
        {
            // A summary like the trainer's, so the model card has training data and validation scores to show.
            model.SummaryJson = """{"train_images":64,"validation_images":8,"epochs":2,"steps":8,"best_validation_cider_d":0.125,"last_validation_bleu4":0.0625,"last_validation_cider_d":0.125}""";
            model.Save(ModelPath);
        }
        Checksum = SafeTensors.ReadHeader(ModelPath).Metadata[SpotlightChecksum.Key];
        ImagePaths = data.Dataset.Split("test").Images.Select(i => i.ImagePath).ToList();
        Images = ImagePaths.Select(File.ReadAllBytes).ToList();
        Model = CaptionModel.Load(ModelPath);
        Model.Network.DecoderRuntime = InferenceRuntime.OnnxRuntime;   // as `spotlight caption` and the server decode
        foreach (var options in new[] { Greedy, Beam3, Short })
            for (int i = 0; i < ImagePaths.Count; i++)
                references[(i, options)] = Model.CaptionFiles([ImagePaths[i]], options)[0];
        Backend = new CaptionModelBackend(Model, ModelPath);
    }

    public string Directory { get; }
    public string ModelPath { get; }
    public string Checksum { get; }
    public CaptionModel Model { get; }
    public CaptionModelBackend Backend { get; }
    public IReadOnlyList<string> ImagePaths { get; }
    public IReadOnlyList<byte[]> Images { get; }

    /// <summary>The caption of test image <paramref name="image"/> computed alone, outside any server.</summary>
    public CaptionResult Reference(int image, CaptionOptions options) => references[(image, options)];

    public void Dispose()
    {
        Model.Dispose();
        data.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
