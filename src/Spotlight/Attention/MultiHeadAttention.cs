using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Attention;

/// <summary>
/// Multi-head attention (Vaswani et al. 2017, §3.2.2): MultiHead(Q, K, V) = Concat(head_1..head_h) W^O with
/// head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V), batch-first. config.QueryDim is the model dimension, config.KeyDim the
/// size of key/value inputs (equal to QueryDim for self-attention), config.Heads must divide QueryDim.
/// </summary>
/// <remarks>
/// keyMask is (batch, tk) or (batch, tq, tk) bool, true = may attend: the OPPOSITE of nn.MultiheadAttention's
/// key_padding_mask. A query whose keys are all masked gets a zero attention row (context = W^O's bias), not NaN.
/// </remarks>
public sealed partial class MultiHeadAttention
    : Module<Tensor, Tensor, Tensor, Tensor?, bool, bool, (Tensor Context, Tensor Weights)>, IStepAttention
{
    private readonly Linear queryProj;                  // W^Q of all heads, dim → dim
    private readonly Linear keyProj;                    // W^K, keyDim → dim
    private readonly Linear valueProj;                  // W^V, keyDim → dim
    private readonly ScaledDotProductAttention attention;  // per head, with dropout on the weights
    private readonly Linear outProj;                    // W^O, dim → dim

    public MultiHeadAttention(AttentionConfig config) : base(nameof(MultiHeadAttention))
    {
        config.Validate();
        if (config.QueryDim % config.Heads != 0)
            throw new SpotlightException($"attention config: Heads = {config.Heads} must divide QueryDim = {config.QueryDim}");
        Config = config;
        queryProj = Linear(config.QueryDim, config.QueryDim);
        keyProj = Linear(config.KeyDim, config.QueryDim);
        valueProj = Linear(config.KeyDim, config.QueryDim);
        attention = new ScaledDotProductAttention(config.Dropout);
        outProj = Linear(config.QueryDim, config.QueryDim);
        RegisterComponents();
        ResetParameters();
    }

    public AttentionConfig Config { get; }

    public int Heads => Config.Heads;

    public int HeadDim => Config.QueryDim / Config.Heads;

    /// <inheritdoc/>
    public int ContextDim => Config.QueryDim;

    public override (Tensor Context, Tensor Weights) forward(Tensor query, Tensor key, Tensor value, Tensor? keyMask, bool causal, bool averageHeads) =>
        forward(query, key, value, keyMask, causal, averageHeads, null);

    /// <summary>
    /// query (batch, tq, dim), key and value (batch, tk, keyDim) → context (batch, tq, dim), weights (batch, tq, tk)
    /// averaged over heads or (batch, heads, tq, tk). causal: query i sees keys j ≤ i + (tk − tq).
    /// With a <paramref name="cache"/>: self-attention appends this call's keys/values, and keyMask (if any) must
    /// cover all cached positions; cross-attention projects key/value on the first call only (later calls do not read
    /// them) and remembers that call's keyMask.
    /// </summary>
    public (Tensor Context, Tensor Weights) forward(Tensor query, Tensor key, Tensor value, Tensor? keyMask = null,
        bool causal = false, bool averageHeads = true, KeyValueCache? cache = null)
    {
        CheckInput(query, Config.QueryDim, "query");
        var q = SplitHeads(queryProj.forward(query));                            // (batch, heads, tq, headDim)
        var (k, v) = KeysAndValues(key, value, ref keyMask, cache);              // (batch, heads, tk, headDim)
        var mask = CombineMasks(keyMask, causal, q.shape[2], k.shape[2], q.shape[0], query.device);
        var (context, weights) = attention.forward(q, k, v, mask);               // weights (batch, heads, tq, tk)
        return (outProj.forward(MergeHeads(context)), averageHeads ? weights.mean([1]) : weights);
    }

    /// <summary>Projects the memory's keys and values once; Values and Keys are (batch, n, dim).</summary>
    public AttentionMemory Prepare(Tensor memory, Tensor? mask)
    {
        CheckInput(memory, Config.KeyDim, "memory");
        return new AttentionMemory(valueProj.forward(memory), keyProj.forward(memory), mask);
    }

    /// <summary>query (batch, dim) → context (batch, dim), weights (batch, n) averaged over heads.</summary>
    public (Tensor Context, Tensor Weights) Attend(AttentionMemory memory, Tensor query)
    {
        if (query.dim() != 2 || query.shape[1] != Config.QueryDim || query.shape[0] != memory.BatchSize)
            throw new SpotlightException($"{GetName()}: query must be (batch = {memory.BatchSize}, {Config.QueryDim}), got ({AttentionMath.Dims(query)})");
        // An item's rows (its beams) are that item's queries against its one memory.
        var grouped = query.reshape(memory.Values.shape[0], memory.RowsPerItem, query.shape[1]);
        var q = SplitHeads(queryProj.forward(grouped));                          // (items, heads, rowsPerItem, headDim)
        var (context, weights) = attention.forward(q, SplitHeads(memory.Keys), SplitHeads(memory.Values), memory.Mask);
        return (outProj.forward(MergeHeads(context)).reshape(query.shape[0], -1), weights.mean([1]).reshape(query.shape[0], -1));
    }

    private (Tensor K, Tensor V) KeysAndValues(Tensor key, Tensor value, ref Tensor? keyMask, KeyValueCache? cache)
    {
        if (cache is { Kind: KeyValueCacheKind.CrossAttention, IsEmpty: false }) {
            keyMask ??= cache.KeyMask;
            return (cache.Keys!, cache.Values!);
        }
        CheckInput(key, Config.KeyDim, "key");
        CheckInput(value, Config.KeyDim, "value");
        if (key.shape[1] != value.shape[1]) throw new SpotlightException($"{GetName()}: key has {key.shape[1]} positions, value {value.shape[1]}");
        var (k, v) = (SplitHeads(keyProj.forward(key)), SplitHeads(valueProj.forward(value)));
        if (cache is null) return (k, v);
        if (cache.Kind == KeyValueCacheKind.CrossAttention) cache.Store(k, v, keyMask);
        else cache.Append(k, v);
        return (cache.Keys!, cache.Values!);
    }

    // keyMask (batch, tk) or (batch, tq, tk) and/or the causal (tq, tk) mask → (batch or 1, 1, tq or 1, tk), or null.
    private static Tensor? CombineMasks(Tensor? keyMask, bool causal, long tq, long tk, long batch, Device device)
    {
        var padding = keyMask is null ? null : AttentionMath.ExpandMask(keyMask, [batch, 1, tq, tk]);
        if (!causal) return padding;
        var future = AttentionMath.CausalMask(tq, tk, device).reshape(1, 1, tq, tk);
        return padding is null ? future : padding.logical_and(future);
    }

    private Tensor SplitHeads(Tensor x) =>                                       // (batch, t, dim) → (batch, heads, t, headDim)
        x.reshape(x.shape[0], x.shape[1], Heads, HeadDim).transpose(1, 2);

    private Tensor MergeHeads(Tensor x) =>                                       // (batch, heads, t, headDim) → (batch, t, dim)
        x.transpose(1, 2).reshape(x.shape[0], x.shape[2], Config.QueryDim);

    private void CheckInput(Tensor x, int dim, string what)
    {
        if (x.dim() != 3 || x.shape[2] != dim)
            throw new SpotlightException($"{GetName()}: {what} must be (batch, t, {dim}), got ({AttentionMath.Dims(x)})");
    }
}
