using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Attention;

/// <summary>
/// Attention defined by a score function: weights = masked softmax(score(q, k)), context = weights · values. Subclasses
/// say how keys are prepared (once per memory) and how a query is scored against prepared keys.
/// </summary>
/// <remarks>
/// forward: query (batch, tq, queryDim), keys (batch, tk, keyDim), values (batch, tk, dv), mask (batch, tk) or
/// (batch, tq, tk) or null → context (batch, tq, dv), weights (batch, tq, tk). Weights are the ones the values are
/// averaged with, so in training mode with dropout they are the dropped-out (and rescaled) weights.
/// </remarks>
public abstract class ScoredAttention : nn.Module<Tensor, Tensor, Tensor, Tensor?, (Tensor Context, Tensor Weights)>, IStepAttention
{
    private readonly double dropout;

    protected ScoredAttention(string name, double dropout) : base(name)
    {
        if (!(dropout >= 0.0 && dropout < 1.0)) throw new SpotlightException($"{name}: dropout must be in [0, 1), got {dropout}");
        this.dropout = dropout;
    }

    /// <inheritdoc/>
    public abstract int ContextDim { get; }

    /// <summary>keys (batch, tk, keyDim) → the form <see cref="Score"/> compares against; computed once per memory.</summary>
    public abstract Tensor PrepareKeys(Tensor keys);

    /// <summary>query (batch, tq, queryDim), prepared keys (batch, tk, *) → scores (batch, tq, tk).</summary>
    public abstract Tensor Score(Tensor query, Tensor preparedKeys);

    /// <summary>Throws a one-line <see cref="SpotlightException"/> if the query or key size is not what this module takes.</summary>
    protected abstract void CheckDims(long queryDim, long keyDim);

    public override (Tensor Context, Tensor Weights) forward(Tensor query, Tensor keys, Tensor values, Tensor? mask)
    {
        CheckShapes(query, keys, values);
        return AttendPrepared(query, PrepareKeys(keys), values, mask);
    }

    /// <inheritdoc/>
    public AttentionMemory Prepare(Tensor memory, Tensor? mask)
    {
        CheckShapes(null, memory, memory);
        return new AttentionMemory(memory, PrepareKeys(memory), mask);
    }

    /// <inheritdoc/>
    public (Tensor Context, Tensor Weights) Attend(AttentionMemory memory, Tensor query)
    {
        if (query.dim() != 2 || query.shape[0] != memory.BatchSize)
            throw new SpotlightException($"{GetName()}: query must be (batch = {memory.BatchSize}, queryDim), got ({AttentionMath.Dims(query)})");
        CheckDims(query.shape[1], -1);
        // An item's rows (its beams) are that item's queries: (items, rowsPerItem, queryDim) against its memory.
        var grouped = query.reshape(memory.Values.shape[0], memory.RowsPerItem, query.shape[1]);
        var (context, weights) = AttendPrepared(grouped, memory.Keys, memory.Values, memory.Mask);
        return (context.reshape(query.shape[0], -1), weights.reshape(query.shape[0], -1));   // (batch, dv), (batch, n)
    }

    private (Tensor Context, Tensor Weights) AttendPrepared(Tensor query, Tensor preparedKeys, Tensor values, Tensor? mask)
    {
        var scores = Score(query, preparedKeys);                             // (batch, [heads,] tq, tk)
        var weights = AttentionMath.MaskedSoftmax(scores, mask is null ? null : AttentionMath.ExpandMask(mask, scores.shape));
        if (dropout > 0.0) weights = nn.functional.dropout(weights, dropout, training);
        return (weights.matmul(values), weights);
    }

    // Ranks, batch and length agreement; query may be null (Prepare has no query yet).
    private void CheckShapes(Tensor? query, Tensor keys, Tensor values)
    {
        var name = GetName();
        if (keys.dim() < 3 || values.dim() != keys.dim() || (query is not null && query.dim() != keys.dim()))
            throw new SpotlightException($"{name}: query, keys, values must be (batch, t, dim) of the same rank, got " +
                $"({(query is null ? "-" : AttentionMath.Dims(query))}), ({AttentionMath.Dims(keys)}), ({AttentionMath.Dims(values)})");
        if (keys.shape[^2] != values.shape[^2] || keys.shape[0] != values.shape[0] || (query is not null && query.shape[0] != keys.shape[0]))
            throw new SpotlightException($"{name}: keys ({AttentionMath.Dims(keys)}) and values ({AttentionMath.Dims(values)}) " +
                "must share batch and length with each other and the query");
        CheckDims(query?.shape[^1] ?? -1, keys.shape[^1]);
    }
}
