using static TorchSharp.torch;

namespace Spotlight.Decoding;

/// <summary>
/// A model's recurrent state for a batch of rows (rows = items × beams, item-major: see <see cref="BeamSearch"/>).
/// Decoders never look inside it; they only reorder it and keep its tensors alive between steps.
/// </summary>
public interface IDecoderState
{
    /// <summary>
    /// The state for the rows named by <paramref name="rowIndices"/> (int64, (newRows)): index_select on the batch
    /// dimension of every tensor held (LSTM h/c, attention memory, KV caches). Indices may repeat (beam expansion)
    /// and may leave rows out (finished items leave the batch).
    /// </summary>
    IDecoderState Select(Tensor rowIndices);

    /// <summary>
    /// Every tensor this state holds. Decoders run each step in its own dispose scope; they move the tensors listed
    /// here out of it so they survive the step, and dispose those of the state they replace. Tensors the decoder did
    /// not create (the caller's initial state, a shared encoder memory passed through unchanged) are never disposed.
    /// </summary>
    IEnumerable<Tensor> Tensors { get; }
}
