using static TorchSharp.torch;

namespace Spotlight.Onnx;

/// <summary>
/// The pieces of Spotlight's pre-norm Transformer layers (<see cref="Transformer.TransformerEncoderLayer"/>,
/// <see cref="Transformer.TransformerDecoderLayer"/>, <see cref="Attention.MultiHeadAttention"/>) as ONNX nodes, read
/// from a state dict by the modules' parameter names; the captioner and translator exports build their graphs from them.
/// Masks are bool, true = may attend, as in <see cref="Attention.AttentionMath"/>.
/// </summary>
public static class TransformerOnnx
{
    /// <summary>LayerNorm over the last axis (ε = 1e-5, TorchSharp's default, unless given: timm's ViTs use 1e-6).</summary>
    public static string LayerNorm(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights, string x, string name, float epsilon = 1e-5f) =>
        graph.Node("LayerNormalization", [x, graph.Constant($"{name}.weight", weights[$"{name}.weight"]), graph.Constant($"{name}.bias", weights[$"{name}.bias"])],
            OnnxGraph.IntAttribute("axis", -1), OnnxGraph.FloatAttribute("epsilon", epsilon));

    /// <summary>The carried state of a cached decoder: each layer's self-attention keys and values, in order.</summary>
    public static string[] CacheNames(int layers) =>
        [.. Enumerable.Range(0, layers).SelectMany(i => new[] { $"past_keys_{i}", $"past_values_{i}" })];

    /// <summary>The memory a cached decoder reads: each layer's cross-attention (values, keys) pair, in order.</summary>
    public static string[] MemoryNames(int layers) =>
        [.. Enumerable.Range(0, layers).SelectMany(i => new[] { $"memory_values_{i}", $"memory_keys_{i}" })];

    /// <summary>The step's cache inputs, (rows, heads, past, headDim) per layer.</summary>
    public static (string Keys, string Values)[] CacheInputs(OnnxGraph graph, int layers, int heads, int headDim) =>
        [.. Enumerable.Range(0, layers).Select(i => (
            graph.Input($"past_keys_{i}", OnnxGraph.ElementType.Float, "rows", heads, "past", headDim),
            graph.Input($"past_values_{i}", OnnxGraph.ElementType.Float, "rows", heads, "past", headDim)))];

    /// <summary>The step's memory inputs, (items, length, dim) per layer; the axes are named by the caller.</summary>
    public static (string Values, string Keys)[] MemoryInputs(OnnxGraph graph, int layers, string items, object length, int dim) =>
        [.. Enumerable.Range(0, layers).Select(i => (
            graph.Input($"memory_values_{i}", OnnxGraph.ElementType.Float, items, length, dim),
            graph.Input($"memory_keys_{i}", OnnxGraph.ElementType.Float, items, length, dim)))];

    /// <summary>A layer's longer cache as the step's outputs NAME_next.</summary>
    public static void CacheOutputs(OnnxGraph graph, int layer, string keys, string values, int heads, int headDim)
    {
        graph.Output(keys, $"past_keys_{layer}_next", OnnxGraph.ElementType.Float, "rows", heads, "past_next", headDim);
        graph.Output(values, $"past_values_{layer}_next", OnnxGraph.ElementType.Float, "rows", heads, "past_next", headDim);
    }

    /// <summary>The step's position: the length of the caches, [t].</summary>
    public static string CachePosition(OnnxGraph graph, string pastKeys) =>
        graph.Node("Shape", [pastKeys], OnnxGraph.IntAttribute("start", 2), OnnxGraph.IntAttribute("end", 3));

    /// <summary>The positions table a model adds, learned or sinusoidal (a new tensor: the caller disposes it).</summary>
    public static Tensor PositionTable(Transformer.PositionKind kind, IReadOnlyDictionary<string, Tensor> weights, int positions, int dim) =>
        kind == Transformer.PositionKind.Learned ? weights["learnedPositions.weight"].detach() : Transformer.Sinusoids.Table(positions, dim);

    /// <summary>A linear layer of a module by its parameter prefix (no bias when the state dict has none).</summary>
    public static string Linear(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights, string x, string name) =>
        graph.Linear(x, name, weights[$"{name}.weight"], weights.TryGetValue($"{name}.bias", out var bias) ? bias : null);

    /// <summary>x + W₂ ReLU(W₁ LN(x) + b₁) + b₂: a pre-norm layer's feed-forward sublayer.</summary>
    public static string FeedForwardBlock(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights, string x, string layer)
    {
        var hidden = graph.Node("Relu", [Linear(graph, weights, LayerNorm(graph, weights, x, $"{layer}.feedNorm"), $"{layer}.feedForward.expand")]);
        return graph.Node("Add", [x, Linear(graph, weights, hidden, $"{layer}.feedForward.contract")]);
    }

    /// <summary>
    /// Multi-head attention of queries (items, k, dim) already projected by W^Q over values and keys (items, n, dim)
    /// already projected by W^V, W^K, with an optional key mask (items, n): → context after W^O (items, k, dim) and the
    /// weights per head (items, heads, k, n). Masked keys get weight exactly 0, as <see cref="Attention.AttentionMath.MaskedSoftmax"/>.
    /// </summary>
    public static (string Context, string Weights) Attend(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights, string module,
        string query, string values, string keys, int heads, int dim, string? mask = null)
    {
        int headDim = dim / heads;
        string Split(string x, params long[] perm) =>                                  // (items, t, dim) → heads
            graph.Node("Transpose", [graph.Node("Reshape", [x, graph.Ints(0, 0, heads, headDim)])], OnnxGraph.IntsAttribute("perm", perm));
        var scores = graph.Node("Div", [graph.Node("MatMul", [Split(query, 0, 2, 1, 3), Split(keys, 0, 2, 3, 1)]), graph.Scalar(MathF.Sqrt(headDim))]);   // (items, heads, k, n)
        string? allowed = mask is null ? null : graph.Node("Unsqueeze", [mask, graph.Ints(1, 2)]);                             // (items, 1, 1, n)
        if (allowed is not null) scores = graph.Node("Where", [allowed, scores, graph.Scalar(float.MinValue)]);
        var perHead = graph.Node("Softmax", [scores], OnnxGraph.IntAttribute("axis", -1));
        if (allowed is not null) perHead = graph.Node("Where", [allowed, perHead, graph.Scalar(0f)]);
        var context = graph.Node("MatMul", [perHead, Split(values, 0, 2, 1, 3)]);                                              // (items, heads, k, headDim)
        var merged = graph.Node("Reshape", [graph.Node("Transpose", [context], OnnxGraph.IntsAttribute("perm", 0, 2, 1, 3)), graph.Ints(0, 0, dim)]);
        return (Linear(graph, weights, merged, $"{module}.outProj"), perHead);
    }

    /// <summary>An encoder layer over x (items, n, d): x += SelfAttn(LN(x)) under the key mask; x += FFN(LN(x)).</summary>
    public static string EncoderLayer(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights, string x, string layer, int heads, int dim, string? mask = null)
    {
        var normed = LayerNorm(graph, weights, x, $"{layer}.selfNorm");
        var p = $"{layer}.selfAttention";
        var (context, _) = Attend(graph, weights, p, Linear(graph, weights, normed, $"{p}.queryProj"),
            Linear(graph, weights, normed, $"{p}.valueProj"), Linear(graph, weights, normed, $"{p}.keyProj"), heads, dim, mask);
        return FeedForwardBlock(graph, weights, graph.Node("Add", [x, context]), layer);
    }

    /// <summary>
    /// A decoder layer's cached self-attention for one new position x (rows, d): its key and value join the cache
    /// (rows, heads, t, headDim) and its query sees all of it. Returns x + the attention output, and the longer cache.
    /// </summary>
    public static (string X, string Keys, string Values) CachedSelfAttention(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights,
        string x, string layer, string pastKeys, string pastValues, int heads, int dim)
    {
        int headDim = dim / heads;
        var normed = LayerNorm(graph, weights, x, $"{layer}.selfNorm");
        var p = $"{layer}.selfAttention";
        string Heads(string part) => graph.Node("Reshape", [Linear(graph, weights, normed, $"{p}.{part}"), graph.Ints(0, heads, 1, headDim)]);   // (rows, heads, 1, headDim)
        var keys = graph.Node("Concat", [pastKeys, Heads("keyProj")], OnnxGraph.IntAttribute("axis", 2));
        var values = graph.Node("Concat", [pastValues, Heads("valueProj")], OnnxGraph.IntAttribute("axis", 2));
        var scores = graph.Node("Div", [graph.Node("MatMul", [Heads("queryProj"), graph.Node("Transpose", [keys], OnnxGraph.IntsAttribute("perm", 0, 1, 3, 2))]),
            graph.Scalar(MathF.Sqrt(headDim))]);                                                          // (rows, heads, 1, t + 1)
        var context = graph.Node("Reshape", [graph.Node("MatMul", [graph.Node("Softmax", [scores], OnnxGraph.IntAttribute("axis", -1)), values]), graph.Ints(0, dim)]);
        return (graph.Node("Add", [x, Linear(graph, weights, context, $"{p}.outProj")]), keys, values);
    }

    /// <summary>Empty self-attention caches (items, heads, 0, headDim), one per item of <paramref name="like"/>'s first axis.</summary>
    public static string EmptyCache(OnnxGraph graph, string like, int heads, int headDim) =>
        graph.Node("ConstantOfShape", [graph.Node("Concat", [graph.Node("Shape", [like], OnnxGraph.IntAttribute("start", 0), OnnxGraph.IntAttribute("end", 1)),
            graph.Ints(heads, 0, headDim)], OnnxGraph.IntAttribute("axis", 0))]);

    /// <summary>x = √d · E[tokens] + P[positions]: the embedding table and the positions table (sinusoids or learned) as constants.</summary>
    public static string Embed(OnnxGraph graph, string tokens, string embeddingName, Tensor embedding, string positions, Tensor positionTable, int dim)
    {
        var embedded = graph.Node("Mul", [graph.Node("Gather", [graph.Constant(embeddingName, embedding), tokens]), graph.Scalar(MathF.Sqrt(dim))]);
        return graph.Node("Add", [embedded, graph.Node("Gather", [graph.Constant($"{embeddingName}.positions", positionTable), positions])]);
    }
}
