using static TorchSharp.torch;

namespace Spotlight.Attention;

/// <summary>What a <see cref="KeyValueCache"/> keeps between decoding steps.</summary>
public enum KeyValueCacheKind
{
    /// <summary>Self-attention: each step's projected keys and values are appended.</summary>
    SelfAttention,

    /// <summary>Cross-attention: the memory's projected keys, values (and mask) are stored on the first call and reused.</summary>
    CrossAttention,
}

/// <summary>
/// Projected keys and values of one <see cref="MultiHeadAttention"/> layer kept between decoding steps, so a step
/// projects only its new token. One cache per layer and per kind; pass it as the <c>cache</c> argument of forward.
/// </summary>
/// <remarks>
/// The cache owns its tensors: they are detached from dispose scopes (each step may run in its own scope) and freed by
/// <see cref="Dispose"/> or when replaced. Tensors read from its properties are valid until the next call that changes it.
/// </remarks>
public sealed class KeyValueCache : IDisposable
{
    public KeyValueCache(KeyValueCacheKind kind) => Kind = kind;

    public static KeyValueCache ForSelfAttention() => new(KeyValueCacheKind.SelfAttention);

    public static KeyValueCache ForCrossAttention() => new(KeyValueCacheKind.CrossAttention);

    public KeyValueCacheKind Kind { get; }

    /// <summary>(batch, heads, length, headDim), or null before the first call.</summary>
    public Tensor? Keys { get; private set; }

    /// <summary>(batch, heads, length, headDim), or null before the first call.</summary>
    public Tensor? Values { get; private set; }

    /// <summary>Cross-attention only: the memory's mask (batch, length), true = may attend; null = none given.</summary>
    public Tensor? KeyMask { get; private set; }

    public bool IsEmpty => Keys is null;

    /// <summary>Number of cached positions (steps so far, or memory length).</summary>
    public long Length => Keys?.shape[2] ?? 0;

    /// <summary>
    /// Reorders or repeats the cached items along the batch dimension (beam search: index_select on dim 0). Works in
    /// place and returns this cache, so both <c>cache.Select(i)</c> and <c>cache = cache.Select(i)</c> are right.
    /// </summary>
    public KeyValueCache Select(Tensor batchIndices)
    {
        if (Keys is null || Values is null) return this;
        Replace(Keys.index_select(0, batchIndices), Values.index_select(0, batchIndices), KeyMask?.index_select(0, batchIndices));
        return this;
    }

    /// <summary>Empties the cache (a new sequence) and frees its tensors.</summary>
    public void Clear() => Replace(null, null, null);

    public void Dispose() => Clear();

    // Self-attention: keys/values (batch, heads, tNew, headDim) go after the cached ones.
    internal void Append(Tensor keys, Tensor values)
    {
        if (Kind != KeyValueCacheKind.SelfAttention) throw new InvalidOperationException("Append is for self-attention caches");
        if (Keys is null || Values is null) { Replace(keys.alias(), values.alias(), null); return; }
        if (Keys.shape[0] != keys.shape[0])
            throw new SpotlightException($"key/value cache holds {Keys.shape[0]} items but the step has {keys.shape[0]}; call Select after reordering the batch");
        Replace(cat([Keys, keys], 2), cat([Values, values], 2), null);
    }

    // Cross-attention: the memory, projected once.
    internal void Store(Tensor keys, Tensor values, Tensor? mask)
    {
        if (Kind != KeyValueCacheKind.CrossAttention) throw new InvalidOperationException("Store is for cross-attention caches");
        Replace(keys.alias(), values.alias(), mask?.alias());
    }

    private void Replace(Tensor? keys, Tensor? values, Tensor? mask)
    {
        var old = new[] { Keys, Values, KeyMask };
        Keys = keys?.DetachFromDisposeScope();
        Values = values?.DetachFromDisposeScope();
        KeyMask = mask?.DetachFromDisposeScope();
        foreach (var t in old) t?.Dispose();  // our own handles; autograd keeps what it still needs
    }
}
