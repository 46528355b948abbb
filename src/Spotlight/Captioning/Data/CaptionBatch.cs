using static TorchSharp.torch;

namespace Spotlight.Captioning.Data;

/// <summary>
/// One training batch. Images (B, 3, Size, Size) float32, normalised; Tokens (B, T) int64 = &lt;start&gt; words
/// &lt;end&gt; then &lt;pad&gt; (0), T the longest in this batch; Lengths (B) int64 = tokens before padding, counting
/// &lt;start&gt; and &lt;end&gt;. Made on the consumer's thread in its current dispose scope; dispose the batch (or
/// let an enclosing scope) to free the tensors.
/// </summary>
public sealed record CaptionBatch(Tensor Images, Tensor Tokens, Tensor Lengths, IReadOnlyList<string> ImageIds) : IDisposable
{
    /// <summary>For each row, the sample (image index, caption index, flip) it came from.</summary>
    public IReadOnlyList<CaptionSample> Samples { get; init; } = [];

    public int Count => ImageIds.Count;

    public void Dispose()
    {
        Images.Dispose();
        Tokens.Dispose();
        Lengths.Dispose();
    }
}
