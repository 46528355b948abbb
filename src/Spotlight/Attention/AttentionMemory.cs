using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Attention;

/// <summary>
/// What a single-query attention precomputes from a fixed memory (image regions, encoder states) once per sequence and
/// reuses at every decoding step. Made by <see cref="IStepAttention.Prepare"/>.
/// </summary>
/// <param name="Values">(items, n, valueDim): what the context averages.</param>
/// <param name="Keys">(items, n, *): the keys in whatever form the module scores against (e.g. W_k k, already projected).</param>
/// <param name="Mask">(items, n) bool, true = this position may be attended; null = all may.</param>
/// <remarks>
/// A memory serves <see cref="RowsPerItem"/> consecutive query rows per item: beam search asks one query per beam,
/// and all beams of an item share its memory, so it is stored once per item and the beams attend to it as several
/// queries of one item, instead of being copied for every beam at every step.
/// </remarks>
public sealed record AttentionMemory(Tensor Values, Tensor Keys, Tensor? Mask)
{
    /// <summary>Consecutive query rows served by each item's memory (1 outside beam search).</summary>
    public int RowsPerItem { get; init; } = 1;

    /// <summary>
    /// The memory for new rows taken from the current ones (decoders reorder, repeat and drop rows): row r of the
    /// result attends where row <paramref name="rowIndices"/>[r] did. When the new rows come in equal consecutive
    /// blocks from one item each (beam search), items are kept once and their rows grouped; otherwise the memory
    /// is copied per row. Nothing is copied when every item keeps its place.
    /// </summary>
    public AttentionMemory Select(Tensor rowIndices)
    {
        var rows = rowIndices.cpu().data<long>().ToArray();
        var items = rows.Select(r => r / RowsPerItem).ToArray();
        int width = 1;
        while (width < items.Length && items[width] == items[0]) width++;
        if (items.Length % width != 0 || Enumerable.Range(0, items.Length).Any(i => items[i] != items[i - i % width])) width = 1;
        var kept = Enumerable.Range(0, items.Length / width).Select(b => items[b * width]).ToArray();
        if (kept.Length == Values.shape[0] && kept.Select((item, i) => item == i).All(same => same))
            return this with { RowsPerItem = width };
        using var index = torch.tensor(kept, device: Values.device);
        return new(Values.index_select(0, index), Keys.index_select(0, index), Mask?.index_select(0, index)) { RowsPerItem = width };
    }

    /// <summary>Number of query rows (items × rows per item).</summary>
    public long BatchSize => Values.shape[0] * RowsPerItem;

    /// <summary>Number of memory positions (regions, source tokens).</summary>
    public long Length => Values.shape[1];

    /// <summary>The first <paramref name="rows"/> items, as views (no copy): training drops rows whose sequence has ended.</summary>
    public AttentionMemory Take(long rows) => RowsPerItem == 1
        ? new(Values.narrow(0, 0, rows), Keys.narrow(0, 0, rows), Mask?.narrow(0, 0, rows))
        : throw new InvalidOperationException("Take narrows a memory of one row per item (training), not a beam-search memory");

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
