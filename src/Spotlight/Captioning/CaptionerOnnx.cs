using Onnx;
using Spotlight.Onnx;
using static TorchSharp.torch;
using ElementType = Spotlight.Onnx.OnnxGraph.ElementType;

namespace Spotlight.Captioning;

/// <summary>
/// A captioner as three ONNX graphs that any ONNX Runtime can run, with the search left to the caller (as Spotlight's
/// own batched greedy and beam search do):
/// <list type="bullet">
/// <item><c>encoder</c>: images (images, 3, S, S), preprocessed as the sidecar says → regions (images, n, featureDim).</item>
/// <item><c>prepare</c>: regions → the carried state's first value per image (<see cref="StateNames"/>) and the
/// memory that every step reads and never changes (<see cref="MemoryNames"/>, (images, n, ·) value/key pairs).</item>
/// <item><c>step</c>: tokens (rows) int64, the state (rows, …), the memory → log_probs (rows, vocab), each state
/// value's next one (its name + <c>_next</c>), alpha (rows, n). rows = images × k: the k consecutive rows of an image
/// (its beams) share its memory.</item>
/// </list>
/// Recurrent decoders carry h (and c); a Transformer carries each layer's self-attention keys and values
/// (rows, heads, t, headDim), empty at the start, and the step's position is t. Each graph reads as the decoder's own
/// step does in eval mode (no dropout); tests hold every output to TorchSharp's within 1e-4.
/// </summary>
public static partial class CaptionerOnnx
{
    public const string Images = EncoderOnnx.Images, Regions = EncoderOnnx.Regions, Tokens = "tokens", H = "h", C = "c", Values = "values", Keys = "keys";
    public const string LogProbs = "log_probs", Alpha = "alpha", Next = "_next";

    /// <summary>The state values step carries from row to row, in order.</summary>
    public static string[] StateNames(CaptionerConfig config) => config.Cell switch
    {
        DecoderCellKind.Lstm => [H, C],
        DecoderCellKind.Gru => [H],
        _ => TransformerOnnx.CacheNames(config.TransformerSizes.Layers),
    };

    /// <summary>The memory prepare makes once per image, as (values, keys) pairs: one pair, or one per Transformer layer.</summary>
    public static string[] MemoryNames(CaptionerConfig config) => config.Cell == DecoderCellKind.Transformer
        ? TransformerOnnx.MemoryNames(config.TransformerSizes.Layers)
        : [Values, Keys];

    public static ModelProto Encoder(Captioner network) =>
        EncoderOnnx.Graph(network.Encoder, network.Config.ImageSize, "spotlight_captioner_encoder");

    public static ModelProto Prepare(Captioner network)
    {
        if (network.Config.Cell == DecoderCellKind.Transformer) return PrepareTransformer(network);
        var (config, weights) = (network.Config, ((nn.Module)network.Decoder).state_dict());
        int featureDim = network.Encoder.FeatureDim, n = Grid(network);
        var graph = new OnnxGraph("spotlight_captioner_prepare");
        var regions = graph.Input(Regions, ElementType.Float, "images", n, featureDim);
        // h₀, c₀ from the mean region (§3.1.2), or the learned constants (the biases) when the model starts from zeros.
        var mean = graph.Node("ReduceMean", [regions], OnnxGraph.IntsAttribute("axes", 1), OnnxGraph.IntAttribute("keepdims", 0));
        if (!config.InitFromMeanRegion) mean = graph.Node("Mul", [mean, graph.Scalar(0f)]);
        graph.Output(graph.Linear(mean, "initH", weights["initH.weight"], weights["initH.bias"]), H, ElementType.Float, "images", config.DecoderDim);
        if (config.Cell == DecoderCellKind.Lstm)
            graph.Output(graph.Linear(mean, "initC", weights["initC.weight"], weights["initC.bias"]), C, ElementType.Float, "images", config.DecoderDim);
        var (values, keys) = config.Attention switch
        {
            AttentionKind.Additive => (regions, graph.Linear(regions, "attention.keyProj", weights["attentionModule.keyProj.weight"], weights["attentionModule.keyProj.bias"])),
            AttentionKind.ScaledDot => (regions, regions),
            _ => (graph.Linear(regions, "attention.valueProj", weights["attentionModule.valueProj.weight"], weights["attentionModule.valueProj.bias"]),
                  graph.Linear(regions, "attention.keyProj", weights["attentionModule.keyProj.weight"], weights["attentionModule.keyProj.bias"])),
        };
        graph.Output(values, Values, ElementType.Float, "images", n, "value_dim");
        graph.Output(keys, Keys, ElementType.Float, "images", n, "key_dim");
        return graph.Model("regions (images, n, featureDim) → h, c (images, decoderDim), attention values and keys (images, n, *)");
    }

    public static ModelProto Step(Captioner network)
    {
        if (network.Config.Cell == DecoderCellKind.Transformer) return StepTransformer(network);
        var (config, weights) = (network.Config, ((nn.Module)network.Decoder).state_dict());
        int n = Grid(network), d = config.DecoderDim;
        var graph = new OnnxGraph("spotlight_captioner_step");
        var tokens = graph.Input(Tokens, ElementType.Int64, "rows");
        var h = graph.Input(H, ElementType.Float, "rows", d);
        var c = config.Cell == DecoderCellKind.Lstm ? graph.Input(C, ElementType.Float, "rows", d) : null;
        var values = graph.Input(Values, ElementType.Float, "images", n, "value_dim");
        var keys = graph.Input(Keys, ElementType.Float, "images", n, "key_dim");

        var embedded = graph.Node("Gather", [graph.Constant("embedding.weight", weights["embedding.weight"]), tokens]);   // (rows, embed)
        var (context, alpha) = Attend(graph, config, weights, h, values, keys);                                        // (rows, ctx), (rows, n)
        var gated = graph.Node("Mul", [graph.Node("Sigmoid", [graph.Linear(h, "gate", weights["gate.weight"], weights["gate.bias"])]), context]);   // β_t · z_t
        var input = graph.Node("Concat", [embedded, gated], OnnxGraph.IntAttribute("axis", 1));
        var (hNext, cNext) = config.Cell == DecoderCellKind.Lstm
            ? RnnOnnx.LstmCell(graph, weights, "lstm", input, h, c!, d) : (RnnOnnx.GruCell(graph, weights, "gru", input, h, d), null);
        var logits = graph.Linear(hNext, "output", weights["output.weight"], weights["output.bias"]);

        graph.Output(graph.Node("LogSoftmax", [logits], OnnxGraph.IntAttribute("axis", 1)), LogProbs, ElementType.Float, "rows", config.VocabSize);
        graph.Output(hNext, H + Next, ElementType.Float, "rows", d);
        if (cNext is not null) graph.Output(cNext, C + Next, ElementType.Float, "rows", d);
        graph.Output(alpha, Alpha, ElementType.Float, "rows", n);
        return graph.Model("one word for every row: previous tokens and state, the image's memory → log-probabilities, next state, attention");
    }

    /// <summary>The query h (rows, d) against each image's memory: rows are grouped (images, k, ·) as the search lays them out.</summary>
    private static (string Context, string Alpha) Attend(OnnxGraph graph, CaptionerConfig config, IReadOnlyDictionary<string, Tensor> weights,
        string h, string values, string keys)
    {
        var images = ImageCount(graph, values);
        string Grouped(string rows, long size) => CaptionerOnnx.Grouped(graph, images, rows, size);
        string Unsqueeze(string x, long axis) => graph.Node("Unsqueeze", [x, graph.Ints(axis)]);
        string Rows(string grouped) => CaptionerOnnx.Rows(graph, grouped);

        switch (config.Attention)
        {
            case AttentionKind.Additive:
            {
                // score = vᵀ tanh(W_q h + (W_k a + b)), the keys' half prepared once per image
                var query = Grouped(graph.Linear(h, "attention.queryProj", weights["attentionModule.queryProj.weight"], null), config.AttentionDim);   // (images, k, A)
                var hidden = graph.Node("Tanh", [graph.Node("Add", [Unsqueeze(query, 2), Unsqueeze(keys, 1)])]);                 // (images, k, n, A)
                var scores = graph.Node("Squeeze", [graph.Linear(hidden, "attention.v", weights["attentionModule.v.weight"], null), graph.Ints(3)]);
                var alpha = graph.Node("Softmax", [scores], OnnxGraph.IntAttribute("axis", -1));                                 // (images, k, n)
                return (Rows(graph.Node("MatMul", [alpha, values])), Rows(alpha));
            }
            case AttentionKind.ScaledDot:
            {
                var query = Grouped(graph.Linear(h, "queryProjection", weights["queryProjection.weight"], weights["queryProjection.bias"]),
                    weights["queryProjection.weight"].shape[0]);
                var scores = graph.Node("Div", [graph.Node("MatMul", [query, graph.Node("Transpose", [keys], OnnxGraph.IntsAttribute("perm", 0, 2, 1))]),
                    graph.Scalar(MathF.Sqrt(weights["queryProjection.weight"].shape[0]))]);                                     // (images, k, n)
                var alpha = graph.Node("Softmax", [scores], OnnxGraph.IntAttribute("axis", -1));
                return (Rows(graph.Node("MatMul", [alpha, values])), Rows(alpha));
            }
            default:
            {
                var query = Grouped(graph.Linear(h, "attention.queryProj", weights["attentionModule.queryProj.weight"], weights["attentionModule.queryProj.bias"]), config.DecoderDim);
                var (context, perHead) = TransformerOnnx.Attend(graph, weights, "attentionModule", query, values, keys, config.Heads, config.DecoderDim);
                return (Rows(context), Rows(graph.Node("ReduceMean", [perHead], OnnxGraph.IntsAttribute("axes", 1), OnnxGraph.IntAttribute("keepdims", 0))));
            }
        }
    }

    /// <summary>[images], the first dimension of a memory tensor.</summary>
    private static string ImageCount(OnnxGraph graph, string memory) =>
        graph.Node("Shape", [memory], OnnxGraph.IntAttribute("start", 0), OnnxGraph.IntAttribute("end", 1));

    /// <summary>(rows, size) → (images, k, size): an image's k consecutive rows are its queries.</summary>
    private static string Grouped(OnnxGraph graph, string images, string rows, long size) =>
        graph.Node("Reshape", [rows, graph.Node("Concat", [images, graph.Ints(-1, size)], OnnxGraph.IntAttribute("axis", 0))]);

    /// <summary>(images, k, x) → (rows, x).</summary>
    private static string Rows(OnnxGraph graph, string grouped) => graph.Node("Flatten", [grouped], OnnxGraph.IntAttribute("axis", 2));

    private static int Grid(Captioner network) => network.Encoder.GridHeight * network.Encoder.GridWidth;
}
