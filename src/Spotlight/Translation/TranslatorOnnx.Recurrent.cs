using Onnx;
using Spotlight.Onnx;
using static TorchSharp.torch;
using ElementType = Spotlight.Onnx.OnnxGraph.ElementType;

namespace Spotlight.Translation;

/// <summary>
/// The recurrent translators (<see cref="RnnSearchModel"/>, <see cref="LuongModel"/>, <see cref="NoAttentionModel"/>)
/// as the same two graphs:
/// <list type="bullet">
/// <item><c>encoder</c>: source, source_mask → the first state (h; c for an LSTM; feed: Luong's h̃_0 = 0, or the
/// no-attention model's source summary) and, where the model attends, the memory (values: the states attended over;
/// keys: their prepared form). The bidirectional encoder is ONNX's GRU/LSTM operator with each sentence's length, so
/// padding enters neither direction, as with PyTorch's packed sequences.</item>
/// <item><c>step</c>: tokens (rows), the state, the memory and source_mask → log_probs, the next state (NAME_next),
/// alpha (rows, S) (none without attention).</item>
/// </list>
/// </summary>
public static partial class TranslatorOnnx
{
    public const string H = "h", C = "c", Feed = "feed", Values = "values", Keys = "keys";

    private static string[] RecurrentStateNames(TranslatorConfig config)
    {
        var names = new List<string> { H };
        if (config.Cell == RnnCellKind.Lstm) names.Add(C);
        if (config.Arch != TranslatorArch.RnnSearch) names.Add(Feed);
        return [.. names];
    }

    private static string[] RecurrentMemoryNames(TranslatorConfig config) =>
        config.Arch == TranslatorArch.NoAttention ? [] : [Values, Keys];

    private static ModelProto RecurrentEncoder(RecurrentModel network)
    {
        var (config, weights) = (network.Config, network.state_dict());
        bool lstm = config.Cell == RnnCellKind.Lstm;
        var graph = new OnnxGraph($"spotlight_{config.Arch.ToString().ToLowerInvariant()}_translator_encoder");
        var source = graph.Input(Source, ElementType.Int64, "sentences", "source_length");
        var mask = graph.Input(SourceMask, ElementType.Bool, "sentences", "source_length");
        var lengths = graph.Node("Cast", [graph.Node("ReduceSum", [graph.Node("Cast", [mask], To(TensorProto.Types.DataType.Int64)), graph.Ints(1)],
            OnnxGraph.IntAttribute("keepdims", 0))], To(TensorProto.Types.DataType.Int32));                 // (sentences)
        var embedded = graph.Node("Gather", [graph.Constant("encoder.embedding.weight", weights["encoder.embedding.weight"]), source]);
        var (outputs, forward, backward) = RnnOnnx.Bidirectional(graph, weights, lstm ? "encoder.lstm" : "encoder.gru", lstm, embedded, lengths, config.EncoderDim);
        var summary = graph.Node("Concat", [forward, backward], OnnxGraph.IntAttribute("axis", 1));          // [→h_last; ←h_1]
        string Tanh(string x, string layer) => graph.Node("Tanh", [graph.Linear(x, layer, weights[$"{layer}.weight"], weights[$"{layer}.bias"])]);

        string h;
        string? feed = null, values = null, keys = null;
        switch (network)
        {
            case RnnSearchModel:
                h = Tanh(backward, "initial");                                                                 // s_0 = tanh(W_s ←h_1)
                (values, keys) = (outputs, graph.Linear(outputs, "attention.keyProj", weights["attention.keyProj.weight"], weights["attention.keyProj.bias"]));
                break;
            case LuongModel:
                h = Tanh(summary, "initial");
                feed = Zeros(graph, h);                                                                        // h̃_0 = 0
                values = graph.Linear(outputs, "bridge", weights["bridge.weight"], null);                     // h̄ = W_b h
                keys = config.Score switch
                {
                    LuongScore.Dot => values,
                    LuongScore.General => graph.Linear(values, "attention.w", weights["attention.w.weight"], null),
                    _ => graph.Linear(values, "attention.w_keys", weights["attention.w.weight"].narrow(1, config.DecoderDim, config.DecoderDim), null),
                };
                break;
            default:
                feed = Tanh(summary, "summary");                                                               // c, the only view of the source
                h = Tanh(feed, "initial");
                break;
        }
        graph.Output(h, H, ElementType.Float, "sentences", config.DecoderDim);
        if (lstm) graph.Output(Zeros(graph, h), C, ElementType.Float, "sentences", config.DecoderDim);
        if (feed is not null) graph.Output(feed, Feed, ElementType.Float, "sentences", network is LuongModel ? config.DecoderDim : 2 * config.EncoderDim);
        if (values is not null)
        {
            graph.Output(values, Values, ElementType.Float, "sentences", "source_length", "value_dim");
            graph.Output(keys!, Keys, ElementType.Float, "sentences", "source_length", "key_dim");
        }
        return graph.Model("source subwords and mask → the decoder's first state and the memory it attends over");
    }

    private static ModelProto RecurrentStep(RecurrentModel network)
    {
        var (config, weights) = (network.Config, network.state_dict());
        bool lstm = config.Cell == RnnCellKind.Lstm;
        int d = config.DecoderDim;
        var names = RecurrentStateNames(config);
        var graph = new OnnxGraph($"spotlight_{config.Arch.ToString().ToLowerInvariant()}_translator_step");
        var tokens = graph.Input(Tokens, ElementType.Int64, "rows");
        var h = graph.Input(H, ElementType.Float, "rows", d);
        var c = lstm ? graph.Input(C, ElementType.Float, "rows", d) : null;
        var feed = names.Contains(Feed) ? graph.Input(Feed, ElementType.Float, "rows", network is LuongModel ? d : 2 * config.EncoderDim) : null;
        string? values = null, keys = null, mask = null;
        if (network is not NoAttentionModel)
        {
            values = graph.Input(Values, ElementType.Float, "sentences", "source_length", "value_dim");
            keys = graph.Input(Keys, ElementType.Float, "sentences", "source_length", "key_dim");
            mask = graph.Input(SourceMask, ElementType.Bool, "sentences", "source_length");
        }
        var embedded = graph.Node("Gather", [graph.Constant("targetEmbedding.weight", weights["targetEmbedding.weight"]), tokens]);   // (rows, embed)
        (string H, string? C) Cell(string x) => lstm
            ? RnnOnnx.LstmCell(graph, weights, "lstm", x, h, c!, d) : (RnnOnnx.GruCell(graph, weights, "gru", x, h, d), null);
        string Cat(params string[] parts) => graph.Node("Concat", parts, OnnxGraph.IntAttribute("axis", 1));
        string Layer(string x, string layer) => graph.Linear(x, layer, weights[$"{layer}.weight"], weights.TryGetValue($"{layer}.bias", out var b) ? b : null);

        string logits, hNext;
        string? cNext, feedNext = null, alpha = null;
        switch (network)
        {
            case RnnSearchModel:
            {
                // The attention reads the state before the step (Bahdanau), then the cell takes [E y; c].
                (var context, alpha) = Attend(graph, config, weights, h, values!, keys!, mask!, additive: true);
                (hNext, cNext) = Cell(Cat(embedded, context));
                logits = Layer(graph.Node("Tanh", [Layer(Cat(hNext, context, embedded), "deepOutput")]), "output");
                break;
            }
            case LuongModel:
            {
                (hNext, cNext) = Cell(Cat(embedded, feed!));                                                   // input feeding
                (var context, alpha) = Attend(graph, config, weights, hNext, values!, keys!, mask!, additive: false);
                feedNext = graph.Node("Tanh", [Layer(Cat(context, hNext), "combine")]);                        // h̃_t
                logits = Layer(feedNext, "output");
                break;
            }
            default:
                (hNext, cNext) = Cell(Cat(embedded, feed!));
                logits = Layer(graph.Node("Tanh", [Layer(Cat(hNext, feed!, embedded), "deepOutput")]), "output");
                feedNext = graph.Node("Identity", [feed!]);
                break;
        }
        graph.Output(graph.Node("LogSoftmax", [logits], OnnxGraph.IntAttribute("axis", 1)), LogProbs, ElementType.Float, "rows", config.TargetVocab);
        graph.Output(hNext, H + Next, ElementType.Float, "rows", d);
        if (cNext is not null) graph.Output(cNext, C + Next, ElementType.Float, "rows", d);
        if (feedNext is not null) graph.Output(feedNext, Feed + Next, ElementType.Float, "rows", network is LuongModel ? d : 2 * config.EncoderDim);
        if (alpha is not null) graph.Output(alpha, Alpha, ElementType.Float, "rows", "source_length");
        return graph.Model("one subword for every row: previous tokens and state, the sentence's memory and mask → log-probabilities, next state, attention");
    }

    /// <summary>
    /// The query (rows, q) against its sentence's memory, a sentence's k consecutive rows (its beams) sharing it:
    /// additive vᵀ tanh(W_q q + keys) (RNNsearch; Luong's concat is the same with W's query half), or q · keysᵀ (Luong's
    /// dot and general, whose W is in the keys); padding gets no weight. → context (rows, value_dim), alpha (rows, S).
    /// </summary>
    private static (string Context, string Alpha) Attend(OnnxGraph graph, TranslatorConfig config, IReadOnlyDictionary<string, Tensor> weights,
        string query, string values, string keys, string mask, bool additive)
    {
        var sentences = graph.Node("Shape", [mask], OnnxGraph.IntAttribute("start", 0), OnnxGraph.IntAttribute("end", 1));
        string Unsqueeze(string x, long axis) => graph.Node("Unsqueeze", [x, graph.Ints(axis)]);
        string scores;
        if (additive || config.Score == LuongScore.Concat)
        {
            var (projection, v) = additive
                ? (weights["attention.queryProj.weight"], weights["attention.v.weight"])
                : (weights["attention.w.weight"].narrow(1, 0, config.DecoderDim), weights["attention.v.weight"]);
            var projected = graph.Node("Reshape", [graph.Linear(query, "attention.query", projection, null),
                graph.Node("Concat", [sentences, graph.Ints(-1, projection.shape[0])], OnnxGraph.IntAttribute("axis", 0))]);   // (sentences, k, A)
            var hidden = graph.Node("Tanh", [graph.Node("Add", [Unsqueeze(projected, 2), Unsqueeze(keys, 1)])]);                // (sentences, k, S, A)
            scores = graph.Node("Squeeze", [graph.Linear(hidden, "attention.v", v, null), graph.Ints(3)]);                      // (sentences, k, S)
        }
        else
        {
            var grouped = graph.Node("Reshape", [query, graph.Node("Concat", [sentences, graph.Ints(-1, config.DecoderDim)], OnnxGraph.IntAttribute("axis", 0))]);
            scores = graph.Node("MatMul", [grouped, graph.Node("Transpose", [keys], OnnxGraph.IntsAttribute("perm", 0, 2, 1))]);
        }
        var allowed = Unsqueeze(mask, 1);                                                                          // (sentences, 1, S)
        var weightsOut = graph.Node("Softmax", [graph.Node("Where", [allowed, scores, graph.Scalar(float.MinValue)])], OnnxGraph.IntAttribute("axis", -1));
        weightsOut = graph.Node("Where", [allowed, weightsOut, graph.Scalar(0f)]);
        var context = graph.Node("MatMul", [weightsOut, values]);                                                 // (sentences, k, value_dim)
        return (graph.Node("Flatten", [context], OnnxGraph.IntAttribute("axis", 2)), graph.Node("Flatten", [weightsOut], OnnxGraph.IntAttribute("axis", 2)));
    }

    private static string Zeros(OnnxGraph graph, string like) => graph.Node("Mul", [like, graph.Scalar(0f)]);

    private static AttributeProto To(TensorProto.Types.DataType type) => OnnxGraph.IntAttribute("to", (long)type);
}
