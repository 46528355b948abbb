using static TorchSharp.torch;

namespace Spotlight.Attention;

/// <summary>
/// What a single-query attention precomputes from a fixed memory (image regions, encoder states) once per sequence and
/// reuses at every decoding step. Made by <see cref="IStepAttention.Prepare"/>.
/// </summary>
/// <param name="Values">(batch, n, valueDim): what the context averages.</param>
/// <param name="Keys">(batch, n, *): the keys in whatever form the module scores against (e.g. W_k k, already projected).</param>
/// <param name="Mask">(batch, n) bool, true = this position may be attended; null = all may.</param>
public sealed record AttentionMemory(Tensor Values, Tensor Keys, Tensor? Mask)
{
    /// <summary>Reorders or repeats items along the batch dimension (beam search): index_select on dim 0 of every tensor.</summary>
    public AttentionMemory Select(Tensor batchIndices) =>
        new(Values.index_select(0, batchIndices), Keys.index_select(0, batchIndices), Mask?.index_select(0, batchIndices));

    /// <summary>The first <paramref name="rows"/> items, as views (no copy): training drops rows whose sequence has ended.</summary>
    public AttentionMemory Take(long rows) =>
        new(Values.narrow(0, 0, rows), Keys.narrow(0, 0, rows), Mask?.narrow(0, 0, rows));

    /// <summary>Number of items in the batch.</summary>
    public long BatchSize => Values.shape[0];

    /// <summary>Number of memory positions (regions, source tokens).</summary>
    public long Length => Values.shape[1];

    /// <summary>
    /// Moves every tensor to the enclosing dispose scope, so a memory prepared inside a scope outlives it
    /// (prepare once, then decode step by step, each step in its own scope).
    /// </summary>
    public AttentionMemory MoveToOuterDisposeScope()
    {
        Values.MoveToOuterDisposeScope();
        Keys.MoveToOuterDisposeScope();
        Mask?.MoveToOuterDisposeScope();
        return this;
    }
}
