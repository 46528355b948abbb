using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Onnx;
using Spotlight.Attention;
using Spotlight.Decoding;
using Spotlight.IO;
using Spotlight.Onnx;
using Spotlight.Text;
using static TorchSharp.torch;
using ElementType = Spotlight.Onnx.OnnxGraph.ElementType;

namespace Spotlight.Translation;

/// <summary>
/// A translator as two ONNX graphs, the search left to the caller. The Transformer (<see cref="TransformerModel"/>):
/// <list type="bullet">
/// <item><c>encoder</c>: source (sentences, S) int64 subword ids ending with &lt;end&gt; and padded with 0,
/// source_mask (sentences, S) bool → each decoder layer's cross-attention values and keys (sentences, S, d) and empty
/// self-attention caches (sentences, heads, 0, headDim).</item>
/// <item><c>step</c>: tokens (rows) int64, the caches, the memory, source_mask → log_probs (rows, targetVocab), the
/// longer caches (NAME_next), alpha (rows, S): the last layer's cross-attention averaged over heads. rows = sentences
/// × k; a sentence's k consecutive rows (its beams) share its memory.</item>
/// </list>
/// The recurrent translators (RNNsearch, Luong, no attention): TranslatorOnnx.Recurrent.cs.
/// </summary>
public static partial class TranslatorOnnx
{
    public const string Source = "source", SourceMask = "source_mask", Tokens = "tokens", LogProbs = "log_probs", Alpha = "alpha", Next = "_next";
    public const string ManifestFile = "translator.json", FormatName = "spotlight-onnx-translator";

    public static string[] StateNames(TranslatorConfig config) =>
        config.Arch == TranslatorArch.Transformer ? TransformerOnnx.CacheNames(config.DecoderLayers) : RecurrentStateNames(config);

    public static string[] MemoryNames(TranslatorConfig config) =>
        config.Arch == TranslatorArch.Transformer ? TransformerOnnx.MemoryNames(config.DecoderLayers) : RecurrentMemoryNames(config);

    public static ModelProto Encoder(Seq2SeqModel network)
    {
        if (network is RecurrentModel recurrent) return RecurrentEncoder(recurrent);
        var (config, weights) = Transformer(network);
        int d = config.ModelDim, headDim = d / config.Heads;
        var graph = new OnnxGraph("spotlight_transformer_translator_encoder");
        var source = graph.Input(Source, ElementType.Int64, "sentences", "source_length");
        var mask = graph.Input(SourceMask, ElementType.Bool, "sentences", "source_length");
        var length = graph.Node("Shape", [source], OnnxGraph.IntAttribute("start", 1), OnnxGraph.IntAttribute("end", 2));
        var positions = graph.Node("Range", [graph.Scalar64(0), graph.Node("Squeeze", [length, graph.Ints(0)]), graph.Scalar64(1)]);   // 0 … S−1
        using var table = TransformerOnnx.PositionTable(config.Positions, weights, config.MaxPositions, config.ModelDim);
        var x = TransformerOnnx.Embed(graph, source, "sourceEmbedding.weight", weights["sourceEmbedding.weight"], positions, table, d);   // (sentences, S, d)
        for (int j = 0; j < config.EncoderLayers; j++) x = TransformerOnnx.EncoderLayer(graph, weights, x, $"encoderLayers.{j}", config.Heads, d, mask);
        var memory = TransformerOnnx.LayerNorm(graph, weights, x, "encoderNorm");
        var empty = TransformerOnnx.EmptyCache(graph, source, config.Heads, headDim);
        for (int i = 0; i < config.DecoderLayers; i++)
        {
            var p = $"decoderLayers.{i}.crossAttention";
            graph.Output(TransformerOnnx.Linear(graph, weights, memory, $"{p}.valueProj"), $"memory_values_{i}", ElementType.Float, "sentences", "source_length", d);
            graph.Output(TransformerOnnx.Linear(graph, weights, memory, $"{p}.keyProj"), $"memory_keys_{i}", ElementType.Float, "sentences", "source_length", d);
            graph.Output(empty, $"past_keys_{i}", ElementType.Float, "sentences", config.Heads, 0, headDim);
            graph.Output(empty, $"past_values_{i}", ElementType.Float, "sentences", config.Heads, 0, headDim);
        }
        return graph.Model("source subwords and mask → each decoder layer's cross-attention values and keys, and empty self-attention caches");
    }

    public static ModelProto Step(Seq2SeqModel network)
    {
        if (network is RecurrentModel recurrent) return RecurrentStep(recurrent);
        var (config, weights) = Transformer(network);
        int d = config.ModelDim, heads = config.Heads, headDim = d / heads;
        var graph = new OnnxGraph("spotlight_transformer_translator_step");
        var tokens = graph.Input(Tokens, ElementType.Int64, "rows");
        var past = TransformerOnnx.CacheInputs(graph, config.DecoderLayers, heads, headDim);
        var memory = TransformerOnnx.MemoryInputs(graph, config.DecoderLayers, "sentences", "source_length", d);
        var mask = graph.Input(SourceMask, ElementType.Bool, "sentences", "source_length");
        using var table = TransformerOnnx.PositionTable(config.Positions, weights, config.MaxPositions, d);
        var x = TransformerOnnx.Embed(graph, tokens, "targetEmbedding.weight", weights["targetEmbedding.weight"], TransformerOnnx.CachePosition(graph, past[0].Keys), table, d);   // (rows, d)
        var sentences = graph.Node("Shape", [mask], OnnxGraph.IntAttribute("start", 0), OnnxGraph.IntAttribute("end", 1));
        string? alpha = null;
        for (int i = 0; i < config.DecoderLayers; i++)
        {
            var p = $"decoderLayers.{i}";
            (x, var keys, var values) = TransformerOnnx.CachedSelfAttention(graph, weights, x, p, past[i].Keys, past[i].Values, heads, d);
            TransformerOnnx.CacheOutputs(graph, i, keys, values, heads, headDim);
            var query = TransformerOnnx.Linear(graph, weights, TransformerOnnx.LayerNorm(graph, weights, x, $"{p}.crossNorm"), $"{p}.crossAttention.queryProj");
            var grouped = graph.Node("Reshape", [query, graph.Node("Concat", [sentences, graph.Ints(-1, d)], OnnxGraph.IntAttribute("axis", 0))]);   // (sentences, k, d)
            var (context, perHead) = TransformerOnnx.Attend(graph, weights, $"{p}.crossAttention", grouped, memory[i].Values, memory[i].Keys, heads, d, mask);
            x = graph.Node("Add", [x, graph.Node("Flatten", [context], OnnxGraph.IntAttribute("axis", 2))]);
            alpha = graph.Node("Flatten", [graph.Node("ReduceMean", [perHead], OnnxGraph.IntsAttribute("axes", 1), OnnxGraph.IntAttribute("keepdims", 0))],
                OnnxGraph.IntAttribute("axis", 2));                                                            // the last layer's, (rows, S)
            x = TransformerOnnx.FeedForwardBlock(graph, weights, x, p);
        }
        var final = TransformerOnnx.LayerNorm(graph, weights, x, "decoderNorm");
        var logits = config.TieEmbeddings
            ? graph.Node("MatMul", [final, graph.Node("Transpose", ["targetEmbedding.weight"], OnnxGraph.IntsAttribute("perm", 1, 0))])
            : TransformerOnnx.Linear(graph, weights, final, "output");
        graph.Output(graph.Node("LogSoftmax", [logits], OnnxGraph.IntAttribute("axis", 1)), LogProbs, ElementType.Float, "rows", config.TargetVocab);
        graph.Output(alpha!, Alpha, ElementType.Float, "rows", "source_length");
        return graph.Model("one subword for every row: previous tokens, self-attention caches, the sentence's memory and mask → log-probabilities, longer caches, attention");
    }

    /// <summary>
    /// Writes encoder.onnx, step.onnx and translator.json (the subword models as the .spotlight file stores them, the
    /// special tokens, the state and memory names, the default length limits) into a folder; the manifest last.
    /// </summary>
    public static void Export(Translator translator, string folder)
    {
        translator.Network.eval();
        var encoder = Encoder(translator.Network).ToByteArray();
        var step = Step(translator.Network).ToByteArray();
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllBytes(Path.Combine(folder, "encoder.onnx"), encoder);
        AtomicFile.WriteAllBytes(Path.Combine(folder, "step.onnx"), step);
        var defaults = new TranslateOptions();
        var manifest = new JsonObject
        {
            ["format"] = FormatName, ["version"] = 1, ["arch"] = translator.Config.Arch.ToString().ToLowerInvariant(),
            ["files"] = new JsonObject { ["encoder"] = "encoder.onnx", ["step"] = "step.onnx" },
            ["tokens"] = new JsonObject { ["pad"] = Vocabulary.Pad, ["start"] = Vocabulary.Start, ["end"] = Vocabulary.End, ["unknown"] = Vocabulary.Unknown },
            ["state"] = new JsonArray([.. StateNames(translator.Config).Select(n => (JsonNode)n)]),
            ["memory"] = new JsonArray([.. MemoryNames(translator.Config).Select(n => (JsonNode)n)]),
            // The step graph's inputs besides the tokens, state and memory: the source mask where it attends.
            ["mask"] = MemoryNames(translator.Config).Length > 0 ? SourceMask : null,
            ["max_positions"] = translator.Config.MaxPositions,
            ["max_length"] = new JsonObject { ["factor"] = defaults.MaxLengthFactor, ["offset"] = defaults.MaxLengthOffset, ["cap"] = defaults.MaxLength },
            ["subwords"] = new JsonObject(translator.Subwords.ToBlobs().Select(b => KeyValuePair.Create(b.Key, JsonNode.Parse(b.Value)))),
            ["opset"] = OnnxGraph.Opset,
            ["producer"] = $"Spotlight {Runtime.RuntimeInfo.VersionOf(typeof(TranslatorOnnx).Assembly)}",
        };
        AtomicFile.WriteAllText(Path.Combine(folder, ManifestFile), manifest.ToJsonString(Captioning.CaptionerOnnxExport.Json));
    }

    private static (TranslatorConfig Config, IReadOnlyDictionary<string, Tensor> Weights) Transformer(Seq2SeqModel network) =>
        network is TransformerModel
            ? (network.Config, network.state_dict())
            : throw new SpotlightException($"ONNX export: {network.GetType().Name} is not a translator this export knows");
}

/// <summary>
/// A translator's <see cref="TranslatorOnnx"/> graphs in ONNX Runtime, as <see cref="Seq2SeqModel.Begin"/>
/// and <see cref="Seq2SeqModel.Step"/> for Spotlight's searches (exported from the network's current weights).
/// </summary>
public sealed class OnnxTranslatorSteps : IDisposable
{
    private readonly OnnxSession encoder;
    private readonly OnnxSession step;
    private readonly string[] state;
    private readonly string[] memory;

    public OnnxTranslatorSteps(Seq2SeqModel network, int? threads = null)
    {
        state = TranslatorOnnx.StateNames(network.Config);
        memory = TranslatorOnnx.MemoryNames(network.Config);
        encoder = new OnnxSession(TranslatorOnnx.Encoder(network).ToByteArray(), "translator encoder graph (ONNX export)", threads);
        try
        {
            step = new OnnxSession(TranslatorOnnx.Step(network).ToByteArray(), "translator step graph (ONNX export)", threads);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>source (sentences, S), mask (sentences, S) → the state for <see cref="Step"/>.</summary>
    public IDecoderState Begin(Tensor source, Tensor sourceMask)
    {
        var outputs = encoder.Run([(TranslatorOnnx.Source, source), (TranslatorOnnx.SourceMask, sourceMask)], [.. state, .. memory]);
        return new Captioning.OnnxDecoderState(outputs[..state.Length],
            [.. Enumerable.Range(0, memory.Length / 2).Select(p => new AttentionMemory(outputs[state.Length + 2 * p], outputs[state.Length + 2 * p + 1], sourceMask))]);
    }

    public StepOutput Step(Tensor tokens, IDecoderState decoderState)
    {
        var current = (Captioning.OnnxDecoderState)decoderState;
        if (memory.Length == 0)   // no attention: no mask, no weights
        {
            var plain = step.Run([(TranslatorOnnx.Tokens, tokens), .. current.Inputs(state, memory)], [TranslatorOnnx.LogProbs, .. state.Select(s => s + TranslatorOnnx.Next)]);
            return new StepOutput(plain[0], new Captioning.OnnxDecoderState(plain[1..], current.Memories), null);
        }
        var outputs = step.Run([(TranslatorOnnx.Tokens, tokens), (TranslatorOnnx.SourceMask, current.Memories[0].Mask!), .. current.Inputs(state, memory)],
            [TranslatorOnnx.LogProbs, .. state.Select(s => s + TranslatorOnnx.Next), TranslatorOnnx.Alpha]);
        return new StepOutput(outputs[0], new Captioning.OnnxDecoderState(outputs[1..^1], current.Memories), outputs[^1]);
    }

    public void Dispose()
    {
        encoder.Dispose();
        step?.Dispose();
    }
}
