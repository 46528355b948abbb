using Google.Protobuf;
using Spotlight.Attention;
using Spotlight.Decoding;
using Spotlight.Onnx;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>
/// A captioner's decoder run by ONNX Runtime: its <see cref="CaptionerOnnx"/> prepare and step graphs, exported once
/// from the network's current weights (later changes are not seen) or read from an exported folder. The searches stay
/// Spotlight's (<see cref="Greedy"/>, <see cref="BeamSearch"/>, <see cref="Sampler"/>), so captions, scores and maps
/// are the libtorch decoder's to within float rounding (tests hold them to 1e-4).
/// </summary>
public sealed class OnnxCaptionSteps : ICaptionStepper, IDisposable
{
    private readonly OnnxSession prepare;
    private readonly OnnxSession step;
    private readonly string[] state;    // carried row to row: h, c or each layer's self-attention cache
    private readonly string[] memory;   // prepared once per image, as (values, keys) pairs
    private readonly string[] stepOutputs;

    public OnnxCaptionSteps(Captioner network, int? threads = null)
        : this(CaptionerOnnx.Prepare(network).ToByteArray(), "captioner prepare graph (ONNX export)",
               CaptionerOnnx.Step(network).ToByteArray(), "captioner step graph (ONNX export)",
               CaptionerOnnx.StateNames(network.Config), CaptionerOnnx.MemoryNames(network.Config), threads)
    {
    }

    /// <summary>The prepare and step graphs of an exported folder (<see cref="CaptionerOnnxExport"/>).</summary>
    public static OnnxCaptionSteps FromFolder(string folder, int? threads = null)
    {
        var manifest = CaptionerOnnxExport.ReadManifest(folder);
        string prepare = Path.Combine(folder, manifest.Files.Prepare), step = Path.Combine(folder, manifest.Files.Step);
        return new OnnxCaptionSteps(ReadBytes(prepare), prepare, ReadBytes(step), step, manifest.State, manifest.Memory, threads);
    }

    private OnnxCaptionSteps(byte[] prepareModel, string prepareSource, byte[] stepModel, string stepSource, string[] state, string[] memory, int? threads)
    {
        if (memory.Length == 0 || memory.Length % 2 != 0) throw new SpotlightException($"{stepSource}: the memory must be (values, keys) pairs, got {memory.Length} names");
        (this.state, this.memory) = (state, memory);
        stepOutputs = [CaptionerOnnx.LogProbs, .. state.Select(s => s + CaptionerOnnx.Next), CaptionerOnnx.Alpha];
        prepare = new OnnxSession(prepareModel, prepareSource, threads);
        try
        {
            step = new OnnxSession(stepModel, stepSource, threads);
        }
        catch
        {
            prepare.Dispose();
            throw;
        }
        try
        {
            Require(prepare, [CaptionerOnnx.Regions], [.. state, .. memory]);
            Require(step, [CaptionerOnnx.Tokens, .. state, .. memory], stepOutputs);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A graph with other inputs or outputs than this decoder's (a file from another model or another part): one line.</summary>
    private static void Require(OnnxSession session, string[] inputs, string[] outputs)
    {
        if (!session.InputNames.Order().SequenceEqual(inputs.Order()))
            throw new SpotlightException($"{session.Source}: takes inputs {string.Join(", ", session.InputNames)}, expected {string.Join(", ", inputs)}");
        if (outputs.FirstOrDefault(o => !session.OutputNames.Contains(o)) is { } missing)
            throw new SpotlightException($"{session.Source}: has no output '{missing}'");
    }

    public IDecoderState Start(Tensor regions)
    {
        var outputs = prepare.Run([(CaptionerOnnx.Regions, regions)], [.. state, .. memory]);
        var device = regions.device;
        var moved = outputs.Select(t => t.to(device)).ToArray();
        return new OnnxDecoderState(moved[..state.Length],
            [.. Enumerable.Range(0, memory.Length / 2).Select(p => new AttentionMemory(moved[state.Length + 2 * p], moved[state.Length + 2 * p + 1], null))]);
    }

    public StepOutput DecodeStep(Tensor tokens, IDecoderState decoderState)
    {
        var current = (OnnxDecoderState)decoderState;
        var outputs = step.Run([(CaptionerOnnx.Tokens, tokens), .. current.Inputs(state, memory)], stepOutputs);
        var device = tokens.device;
        var next = new OnnxDecoderState([.. outputs[1..^1].Select(t => t.to(device))], current.Memories);
        return new StepOutput(outputs[0].to(device), next, outputs[^1].to(device));
    }

    private static byte[] ReadBytes(string path) => OnnxFile.Read(path).ToByteArray();

    public void Dispose()
    {
        prepare.Dispose();
        step?.Dispose();
    }
}

/// <summary>
/// The state of a decode in ONNX Runtime: the carried tensors, one row per row (h, c, or self-attention caches), and
/// the memories (with a translator's source mask), kept once per image or sentence for all its beams
/// (<see cref="AttentionMemory.Select"/>).
/// </summary>
public sealed record OnnxDecoderState(Tensor[] Carried, AttentionMemory[] Memories) : IDecoderState
{
    public IDecoderState Select(Tensor rowIndices) =>
        new OnnxDecoderState([.. Carried.Select(t => t.index_select(0, rowIndices))], [.. Memories.Select(m => m.Select(rowIndices))]);

    public IEnumerable<Tensor> Tensors => Carried.Concat(Memories.SelectMany(m => m.Mask is null ? new[] { m.Values, m.Keys } : [m.Values, m.Keys, m.Mask]));

    /// <summary>A step graph's inputs: the carried tensors under <paramref name="state"/>, the memories under <paramref name="memory"/>'s (values, keys) names.</summary>
    public IEnumerable<(string Name, Tensor Value)> Inputs(string[] state, string[] memory) =>
        state.Zip(Carried).Concat(Memories.SelectMany((m, p) => new[] { (memory[2 * p], m.Values), (memory[2 * p + 1], m.Keys) }));
}
