using Spotlight.Captioning;
using Spotlight.Vision;
using static TorchSharp.torch;

namespace Spotlight.Server;

/// <summary>What the server shows about its model (the model card is built from it).</summary>
public sealed record ModelInfo(
    string Id, string FileName, string Checksum, CaptionerConfig Config, int VocabularySize,
    ImagePreprocessing Preprocessing, int GridHeight, int GridWidth, string? SummaryJson);

/// <summary>
/// The captioner behind the server. Not thread-safe: the server calls <see cref="Caption"/> from its one model
/// thread only. Tests put a slow or gated decorator here to make queues and shutdowns observable.
/// </summary>
public interface ICaptionBackend
{
    ModelInfo Info { get; }

    /// <summary>Captions a batch of preprocessed images (batch, 3, S, S) in one batched search.</summary>
    IReadOnlyList<CaptionResult> Caption(Tensor images, IReadOnlyList<string> sources, CaptionOptions options);

    /// <summary>
    /// A Transformer's cross-attention per layer and head for each caption ([layer][head][word][region]), null per
    /// image where the model has one map per word (a recurrent decoder). Called on the model thread after
    /// <see cref="Caption"/>.
    /// </summary>
    IReadOnlyList<float[][][][]?> LayerMaps(Tensor images, IReadOnlyList<CaptionResult> results) => new float[][][][]?[results.Count];
}
