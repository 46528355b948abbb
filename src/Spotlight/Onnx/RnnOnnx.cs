using static TorchSharp.torch;

namespace Spotlight.Onnx;

/// <summary>
/// PyTorch's recurrent cells as ONNX nodes, one step at a time (the captioner's and the RNN translators' decoders),
/// and a whole bidirectional layer over padded sequences (the translators' encoder) as ONNX's GRU/LSTM operators.
/// Weights are read from a state_dict under a prefix ("lstm", "gru", "encoder.gru", …).
/// </summary>
public static class RnnOnnx
{
    /// <summary>PyTorch's LSTMCell: gates i, f, g, o from x W_ihᵀ + b_ih + h W_hhᵀ + b_hh → (h', c').</summary>
    public static (string H, string C) LstmCell(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights, string prefix, string x, string h, string c, int d)
    {
        var gates = graph.Node("Add", [graph.Linear(x, $"{prefix}.ih", weights[$"{prefix}.weight_ih"], weights[$"{prefix}.bias_ih"]),
            graph.Linear(h, $"{prefix}.hh", weights[$"{prefix}.weight_hh"], weights[$"{prefix}.bias_hh"])]);
        var parts = graph.Nodes("Split", [gates, graph.Ints(d, d, d, d)], 4, OnnxGraph.IntAttribute("axis", 1));
        string i = graph.Node("Sigmoid", [parts[0]]), f = graph.Node("Sigmoid", [parts[1]]), g = graph.Node("Tanh", [parts[2]]), o = graph.Node("Sigmoid", [parts[3]]);
        var cNext = graph.Node("Add", [graph.Node("Mul", [f, c]), graph.Node("Mul", [i, g])]);
        return (graph.Node("Mul", [o, graph.Node("Tanh", [cNext])]), cNext);
    }

    /// <summary>PyTorch's GRUCell: r, z, n; h' = (1 − z) n + z h.</summary>
    public static string GruCell(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights, string prefix, string x, string h, int d)
    {
        var gi = graph.Nodes("Split", [graph.Linear(x, $"{prefix}.ih", weights[$"{prefix}.weight_ih"], weights[$"{prefix}.bias_ih"]), graph.Ints(d, d, d)], 3, OnnxGraph.IntAttribute("axis", 1));
        var gh = graph.Nodes("Split", [graph.Linear(h, $"{prefix}.hh", weights[$"{prefix}.weight_hh"], weights[$"{prefix}.bias_hh"]), graph.Ints(d, d, d)], 3, OnnxGraph.IntAttribute("axis", 1));
        var r = graph.Node("Sigmoid", [graph.Node("Add", [gi[0], gh[0]])]);
        var z = graph.Node("Sigmoid", [graph.Node("Add", [gi[1], gh[1]])]);
        var candidate = graph.Node("Tanh", [graph.Node("Add", [gi[2], graph.Node("Mul", [r, gh[2]])])]);
        return graph.Node("Add", [candidate, graph.Node("Mul", [z, graph.Node("Sub", [h, candidate])])]);
    }

    /// <summary>
    /// A bidirectional one-layer torch.nn.GRU/LSTM (batch_first) over x (batch, S, input) whose rows are
    /// <paramref name="lengths"/> (batch) int32 long, as pack_padded_sequence runs it: padding never enters either
    /// direction. → outputs (batch, S, 2·hidden) [forward; backward] with zeros at padding, the forward direction's
    /// state after each row's last token and the backward direction's after its first (batch, hidden).
    /// </summary>
    public static (string Outputs, string Forward, string Backward) Bidirectional(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights,
        string prefix, bool lstm, string x, string lengths, int hidden)
    {
        // PyTorch stacks gates as GRU r, z, n / LSTM i, f, g, o; ONNX wants GRU z, r, h / LSTM i, o, f, c.
        int[] order = lstm ? [0, 3, 1, 2] : [1, 0, 2];
        using var scope = NewDisposeScope();   // the reordered copies live until their initializers are written
        Tensor Gates(string name) => cat(order.Select(g => weights[name].narrow(0, g * hidden, hidden)).ToArray(), 0);
        Tensor Directions(string name) => stack([Gates($"{prefix}.{name}_l0"), Gates($"{prefix}.{name}_l0_reverse")]);
        var w = Directions("weight_ih");                                         // (2, gates·hidden, input)
        var r = Directions("weight_hh");                                         // (2, gates·hidden, hidden)
        var b = cat([Directions("bias_ih"), Directions("bias_hh")], 1);          // (2, 2·gates·hidden)
        var sequenceFirst = graph.Node("Transpose", [x], OnnxGraph.IntsAttribute("perm", 1, 0, 2));   // (S, batch, input)
        string[] inputs = [sequenceFirst, graph.Constant($"{prefix}.W", w), graph.Constant($"{prefix}.R", r), graph.Constant($"{prefix}.B", b), lengths];
        var attributes = new List<global::Onnx.AttributeProto>
        {
            OnnxGraph.IntAttribute("hidden_size", hidden),
            new() { Name = "direction", Type = global::Onnx.AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("bidirectional") },
        };
        if (!lstm) attributes.Add(OnnxGraph.IntAttribute("linear_before_reset", 1));   // PyTorch applies r to (W_hn h + b_hn)
        var results = graph.Nodes(lstm ? "LSTM" : "GRU", inputs, 2, [.. attributes]);   // Y (S, 2, batch, hidden), Y_h (2, batch, hidden)
        var outputs = graph.Node("Reshape", [graph.Node("Transpose", [results[0]], OnnxGraph.IntsAttribute("perm", 2, 0, 1, 3)), graph.Ints(0, 0, -1)]);
        var forward = graph.Node("Gather", [results[1], graph.Scalar64(0)], OnnxGraph.IntAttribute("axis", 0));
        var backward = graph.Node("Gather", [results[1], graph.Scalar64(1)], OnnxGraph.IntAttribute("axis", 0));
        return (outputs, forward, backward);
    }
}
