using Onnx;
using Spotlight.Onnx;
using static TorchSharp.torch;
using ElementType = Spotlight.Onnx.OnnxGraph.ElementType;

namespace Spotlight.Captioning;

/// <summary>The Transformer captioner's prepare and step graphs (<see cref="TransformerCaptionDecoder"/>).</summary>
public static partial class CaptionerOnnx
{
    /// <summary>regions → memory = LN(Encoder(W_r a + P_grid)), each layer's cross-attention values and keys, and empty self-attention caches.</summary>
    private static ModelProto PrepareTransformer(Captioner network)
    {
        var (sizes, weights) = (network.Config.TransformerSizes, ((nn.Module)network.Decoder).state_dict());
        int d = sizes.ModelDim, n = Grid(network), headDim = d / sizes.Heads;
        var graph = new OnnxGraph("spotlight_transformer_captioner_prepare");
        var regions = graph.Input(Regions, ElementType.Float, "images", n, network.Encoder.FeatureDim);
        var x = graph.Linear(regions, "regionProjection", weights["regionProjection.weight"], weights["regionProjection.bias"]);
        if (sizes.EncoderLayers > 0)
        {
            using var rows = weights["gridPositions.rows.weight"].unsqueeze(1);
            using var columns = weights["gridPositions.columns.weight"].unsqueeze(0);
            using var table = (rows + columns).reshape(n, d);                                    // P[r·W + c] = R[r] + C[c]
            x = graph.Node("Add", [x, graph.Constant("gridPositions", table)]);
        }
        for (int j = 0; j < sizes.EncoderLayers; j++) x = TransformerOnnx.EncoderLayer(graph, weights, x, $"encoderLayers.{j}", sizes.Heads, d);
        var memory = TransformerOnnx.LayerNorm(graph, weights, x, "memoryNorm");                                   // (images, n, d)

        var empty = TransformerOnnx.EmptyCache(graph, regions, sizes.Heads, headDim);
        for (int i = 0; i < sizes.Layers; i++)
        {
            var p = $"layers.{i}.crossAttention";
            graph.Output(TransformerOnnx.Linear(graph, weights, memory, $"{p}.valueProj"), $"memory_values_{i}", ElementType.Float, "images", n, d);
            graph.Output(TransformerOnnx.Linear(graph, weights, memory, $"{p}.keyProj"), $"memory_keys_{i}", ElementType.Float, "images", n, d);
            graph.Output(empty, $"past_keys_{i}", ElementType.Float, "images", sizes.Heads, 0, headDim);
            graph.Output(empty, $"past_values_{i}", ElementType.Float, "images", sizes.Heads, 0, headDim);
        }
        return graph.Model("regions (images, n, featureDim) → each decoder layer's cross-attention values and keys (images, n, d) and empty self-attention caches (images, heads, 0, headDim)");
    }

    /// <summary>
    /// One word: x = √d·E[token] + P[t] with t the caches' length, then per layer causal self-attention over the cache
    /// and the new position, cross-attention to the image's memory, feed-forward; log_softmax(W LN(x)).
    /// </summary>
    private static ModelProto StepTransformer(Captioner network)
    {
        var config = network.Config;
        var (sizes, weights) = (config.TransformerSizes, ((nn.Module)network.Decoder).state_dict());
        int d = sizes.ModelDim, n = Grid(network), heads = sizes.Heads, headDim = d / heads;
        var graph = new OnnxGraph("spotlight_transformer_captioner_step");
        var tokens = graph.Input(Tokens, ElementType.Int64, "rows");
        var past = TransformerOnnx.CacheInputs(graph, sizes.Layers, heads, headDim);
        var memory = TransformerOnnx.MemoryInputs(graph, sizes.Layers, "images", n, d);
        using var positions = TransformerOnnx.PositionTable(sizes.Positions, weights, sizes.MaxPositions, d);
        var x = TransformerOnnx.Embed(graph, tokens, "embedding.weight", weights["embedding.weight"], TransformerOnnx.CachePosition(graph, past[0].Keys), positions, d);   // (rows, d)

        var images = ImageCount(graph, memory[0].Values);
        string? alphaSum = null;
        for (int i = 0; i < sizes.Layers; i++)
        {
            var p = $"layers.{i}";
            (x, var keys, var values) = TransformerOnnx.CachedSelfAttention(graph, weights, x, p, past[i].Keys, past[i].Values, heads, d);
            TransformerOnnx.CacheOutputs(graph, i, keys, values, heads, headDim);

            // Cross-attention: the rows of an image query its memory together.
            var query = Grouped(graph, images, TransformerOnnx.Linear(graph, weights, TransformerOnnx.LayerNorm(graph, weights, x, $"{p}.crossNorm"), $"{p}.crossAttention.queryProj"), d);
            var (cross, perHead) = TransformerOnnx.Attend(graph, weights, $"{p}.crossAttention", query, memory[i].Values, memory[i].Keys, heads, d);
            var alpha = graph.Node("ReduceMean", [perHead], OnnxGraph.IntsAttribute("axes", 1), OnnxGraph.IntAttribute("keepdims", 0));   // (images, k, n)
            x = graph.Node("Add", [x, Rows(graph, cross)]);
            alphaSum = alphaSum is null ? alpha : graph.Node("Add", [alphaSum, alpha]);
            x = TransformerOnnx.FeedForwardBlock(graph, weights, x, p);
        }
        var final = TransformerOnnx.LayerNorm(graph, weights, x, "finalNorm");
        var logits = sizes.TieEmbeddings
            ? graph.Node("MatMul", [final, graph.Node("Transpose", ["embedding.weight"], OnnxGraph.IntsAttribute("perm", 1, 0))])
            : graph.Linear(final, "output", weights["output.weight"], weights["output.bias"]);
        graph.Output(graph.Node("LogSoftmax", [logits], OnnxGraph.IntAttribute("axis", 1)), LogProbs, ElementType.Float, "rows", config.VocabSize);
        graph.Output(Rows(graph, graph.Node("Div", [alphaSum!, graph.Scalar(sizes.Layers)])), Alpha, ElementType.Float, "rows", n);
        return graph.Model("one word for every row: previous tokens, self-attention caches and the image's memory → log-probabilities, longer caches, attention");
    }
}
