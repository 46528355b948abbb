using Spotlight.Attention;
using Spotlight.Decoding;
using static TorchSharp.torch;

namespace Spotlight.Translation;

/// <summary>
/// The decoder state of the RNN translators, per row: H (rows, DecoderDim), C for an LSTM, Feed (Luong's h̃ fed
/// back as input, or the no-attention model's fixed source summary), and the encoder memory prepared once for
/// attention. Unused parts are null.
/// </summary>
public sealed record RecurrentState(Tensor H, Tensor? C, Tensor? Feed, AttentionMemory? Memory) : IDecoderState
{
    public IDecoderState Select(Tensor rowIndices) => new RecurrentState(
        H.index_select(0, rowIndices), C?.index_select(0, rowIndices), Feed?.index_select(0, rowIndices),
        Memory?.Select(rowIndices));

    public IEnumerable<Tensor> Tensors
    {
        get
        {
            yield return H;
            if (C is not null) yield return C;
            if (Feed is not null) yield return Feed;
            if (Memory is null) yield break;
            yield return Memory.Values;
            yield return Memory.Keys;
            if (Memory.Mask is not null) yield return Memory.Mask;
        }
    }
}
