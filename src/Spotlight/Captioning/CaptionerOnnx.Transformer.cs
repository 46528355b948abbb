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
        for (int j = 0; j < sizes.EncoderLayers; j++)
        {
            var p = $"encoderLayers.{j}";
            var normed = LayerNorm(graph, weights, x, $"{p}.selfNorm");
            var q = graph.Linear(normed, $"{p}.selfAttention.queryProj", weights[$"{p}.selfAttention.queryProj.weight"], weights[$"{p}.selfAttention.queryProj.bias"]);
            var k = graph.Linear(normed, $"{p}.selfAttention.keyProj", weights[$"{p}.selfAttention.keyProj.weight"], weights[$"{p}.selfAttention.keyProj.bias"]);
            var v = graph.Linear(normed, $"{p}.selfAttention.valueProj", weights[$"{p}.selfAttention.valueProj.weight"], weights[$"{p}.selfAttention.valueProj.bias"]);
            x = graph.Node("Add", [x, CrossAttend(graph, weights, $"{p}.selfAttention", $"{p}.selfAttention", q, v, k, sizes.Heads, d).Context]);
            x = FeedForwardBlock(graph, weights, x, p);
        }
        var memory = LayerNorm(graph, weights, x, "memoryNorm");                                   // (images, n, d)

        var empty = graph.Node("ConstantOfShape", [graph.Node("Concat", [ImageCount(graph, regions), graph.Ints(sizes.Heads, 0, headDim)], OnnxGraph.IntAttribute("axis", 0))]);
        for (int i = 0; i < sizes.Layers; i++)
        {
            var p = $"layers.{i}.crossAttention";
            graph.Output(graph.Linear(memory, $"{p}.valueProj", weights[$"{p}.valueProj.weight"], weights[$"{p}.valueProj.bias"]), $"memory_values_{i}", ElementType.Float, "images", n, d);
            graph.Output(graph.Linear(memory, $"{p}.keyProj", weights[$"{p}.keyProj.weight"], weights[$"{p}.keyProj.bias"]), $"memory_keys_{i}", ElementType.Float, "images", n, d);
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
        var past = Enumerable.Range(0, sizes.Layers).Select(i => (
            Keys: graph.Input($"past_keys_{i}", ElementType.Float, "rows", heads, "past", headDim),
            Values: graph.Input($"past_values_{i}", ElementType.Float, "rows", heads, "past", headDim))).ToArray();
        var memory = Enumerable.Range(0, sizes.Layers).Select(i => (
            Values: graph.Input($"memory_values_{i}", ElementType.Float, "images", n, d),
            Keys: graph.Input($"memory_keys_{i}", ElementType.Float, "images", n, d))).ToArray();

        var position = graph.Node("Shape", [past[0].Keys], OnnxGraph.IntAttribute("start", 2), OnnxGraph.IntAttribute("end", 3));   // [t]
        Tensor positionTable = sizes.Positions == Transformer.PositionKind.Learned ? weights["learnedPositions.weight"] : Transformer.Sinusoids.Table(sizes.MaxPositions, d);
        var embedded = graph.Node("Mul", [graph.Node("Gather", [graph.Constant("embedding.weight", weights["embedding.weight"]), tokens]), graph.Scalar(MathF.Sqrt(d))]);
        var x = graph.Node("Add", [embedded, graph.Node("Gather", [graph.Constant("positions", positionTable), position])]);   // (rows, d)
        if (sizes.Positions != Transformer.PositionKind.Learned) positionTable.Dispose();

        var images = ImageCount(graph, memory[0].Values);
        string? alphaSum = null;
        for (int i = 0; i < sizes.Layers; i++)
        {
            var p = $"layers.{i}";
            // Self-attention: the new position's key and value join the cache; its query sees all of it.
            var normed = LayerNorm(graph, weights, x, $"{p}.selfNorm");
            string Heads(string rows, string part) =>                                                // (rows, d) → (rows, heads, 1, headDim)
                graph.Node("Reshape", [graph.Linear(rows, $"{p}.selfAttention.{part}", weights[$"{p}.selfAttention.{part}.weight"], weights[$"{p}.selfAttention.{part}.bias"]),
                    graph.Ints(0, heads, 1, headDim)]);
            var keys = graph.Node("Concat", [past[i].Keys, Heads(normed, "keyProj")], OnnxGraph.IntAttribute("axis", 2));
            var values = graph.Node("Concat", [past[i].Values, Heads(normed, "valueProj")], OnnxGraph.IntAttribute("axis", 2));
            var scores = graph.Node("Div", [graph.Node("MatMul", [Heads(normed, "queryProj"), graph.Node("Transpose", [keys], OnnxGraph.IntsAttribute("perm", 0, 1, 3, 2))]),
                graph.Scalar(MathF.Sqrt(headDim))]);                                                  // (rows, heads, 1, t + 1)
            var context = graph.Node("Reshape", [graph.Node("MatMul", [graph.Node("Softmax", [scores], OnnxGraph.IntAttribute("axis", -1)), values]), graph.Ints(0, d)]);
            x = graph.Node("Add", [x, graph.Linear(context, $"{p}.selfAttention.outProj", weights[$"{p}.selfAttention.outProj.weight"], weights[$"{p}.selfAttention.outProj.bias"])]);
            graph.Output(keys, $"past_keys_{i}{Next}", ElementType.Float, "rows", heads, "past_next", headDim);
            graph.Output(values, $"past_values_{i}{Next}", ElementType.Float, "rows", heads, "past_next", headDim);

            // Cross-attention: the rows of an image query its memory together.
            var query = Grouped(graph, images, graph.Linear(LayerNorm(graph, weights, x, $"{p}.crossNorm"), $"{p}.crossAttention.queryProj",
                weights[$"{p}.crossAttention.queryProj.weight"], weights[$"{p}.crossAttention.queryProj.bias"]), d);
            var (cross, alpha) = CrossAttend(graph, weights, $"{p}.crossAttention", $"{p}.crossAttention", query, memory[i].Values, memory[i].Keys, heads, d);
            x = graph.Node("Add", [x, Rows(graph, cross)]);
            alphaSum = alphaSum is null ? alpha : graph.Node("Add", [alphaSum, alpha]);
            x = FeedForwardBlock(graph, weights, x, p);
        }
        var final = LayerNorm(graph, weights, x, "finalNorm");
        var logits = sizes.TieEmbeddings
            ? graph.Node("MatMul", [final, graph.Node("Transpose", ["embedding.weight"], OnnxGraph.IntsAttribute("perm", 1, 0))])
            : graph.Linear(final, "output", weights["output.weight"], weights["output.bias"]);
        graph.Output(graph.Node("LogSoftmax", [logits], OnnxGraph.IntAttribute("axis", 1)), LogProbs, ElementType.Float, "rows", config.VocabSize);
        graph.Output(Rows(graph, graph.Node("Div", [alphaSum!, graph.Scalar(sizes.Layers)])), Alpha, ElementType.Float, "rows", n);
        return graph.Model("one word for every row: previous tokens, self-attention caches and the image's memory → log-probabilities, longer caches, attention");
    }

    /// <summary>LayerNorm over the last axis with a state dict's weight and bias (ε = 1e-5, TorchSharp's default).</summary>
    private static string LayerNorm(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights, string x, string name) =>
        graph.Node("LayerNormalization", [x, graph.Constant($"{name}.weight", weights[$"{name}.weight"]), graph.Constant($"{name}.bias", weights[$"{name}.bias"])],
            OnnxGraph.IntAttribute("axis", -1), OnnxGraph.FloatAttribute("epsilon", 1e-5f));

    /// <summary>x + W₂ ReLU(W₁ LN(x) + b₁) + b₂, a pre-norm layer's feed-forward sublayer.</summary>
    private static string FeedForwardBlock(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights, string x, string layer)
    {
        var hidden = graph.Node("Relu", [graph.Linear(LayerNorm(graph, weights, x, $"{layer}.feedNorm"), $"{layer}.feedForward.expand",
            weights[$"{layer}.feedForward.expand.weight"], weights[$"{layer}.feedForward.expand.bias"])]);
        return graph.Node("Add", [x, graph.Linear(hidden, $"{layer}.feedForward.contract", weights[$"{layer}.feedForward.contract.weight"], weights[$"{layer}.feedForward.contract.bias"])]);
    }
}
