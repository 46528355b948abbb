using Spotlight.Captioning;
using Spotlight.Checkpoints;
using static TorchSharp.torch;

namespace Spotlight.Server;

/// <summary>A <see cref="CaptionModel"/> loaded from a <c>.spotlight</c> file, named by file name and checksum.</summary>
public sealed class CaptionModelBackend : ICaptionBackend, IDisposable
{
    private readonly CaptionModel model;

    public CaptionModelBackend(CaptionModel model, string path)
    {
        this.model = model;
        model.Network.DecoderRuntime = InferenceRuntime.OnnxRuntime;   // a served model's weights never change: the faster engine
        var checksum = SafeTensors.ReadHeader(path).Metadata.GetValueOrDefault(SpotlightChecksum.Key) ?? "";
        var fileName = Path.GetFileName(path);
        var encoder = model.Network.Encoder;
        Info = new ModelInfo(Id(fileName, checksum), fileName, checksum, model.Config, model.Vocabulary.Count,
            model.Preprocessing, encoder.GridHeight, encoder.GridWidth, model.SummaryJson);
    }

    public ModelInfo Info { get; }

    public static CaptionModelBackend Load(string path) => new(CaptionModel.Load(path), path);

    /// <summary>"file.spotlight@0123456789ab": the first 12 hex digits of the checksum tell two same-named files apart.</summary>
    public static string Id(string fileName, string checksum) =>
        checksum.Length >= 12 ? $"{fileName}@{checksum[..12]}" : fileName;

    public IReadOnlyList<CaptionResult> Caption(Tensor images, IReadOnlyList<string> sources, CaptionOptions options) =>
        model.CaptionTensors(images, sources, options);

    public IReadOnlyList<float[][][][]?> LayerMaps(Tensor images, IReadOnlyList<CaptionResult> results) =>
        [.. results.Select((r, i) => model.LayerMaps(images[i], r))];

    public void Dispose() => model.Dispose();
}
