using Google.Protobuf;
using Spotlight.Attention;
using Spotlight.Decoding;
using Spotlight.Onnx;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>
/// A recurrent captioner's decoder run by ONNX Runtime: its <see cref="CaptionerOnnx"/> prepare and step graphs,
/// exported once from the network's current weights (later changes are not seen) or read from an exported folder.
/// The searches stay Spotlight's (<see cref="Greedy"/>, <see cref="BeamSearch"/>, <see cref="Sampler"/>), so
/// captions, scores and maps are the libtorch decoder's to within float rounding (tests hold them to 1e-4).
/// </summary>
public sealed class OnnxCaptionSteps : ICaptionStepper, IDisposable
{
    private readonly OnnxSession prepare;
    private readonly OnnxSession step;
    private readonly bool lstm;

    public OnnxCaptionSteps(Captioner network, int? threads = null)
        : this(CaptionerOnnx.Prepare(network).ToByteArray(), "captioner prepare graph (ONNX export)",
               CaptionerOnnx.Step(network).ToByteArray(), "captioner step graph (ONNX export)",
               network.Config.Cell == DecoderCellKind.Lstm, threads)
    {
    }

    /// <summary>The prepare and step graphs of an exported folder (<see cref="CaptionerOnnxExport"/>).</summary>
    public static OnnxCaptionSteps FromFolder(string folder, int? threads = null)
    {
        var manifest = CaptionerOnnxExport.ReadManifest(folder);
        string prepare = Path.Combine(folder, manifest.Files.Prepare), step = Path.Combine(folder, manifest.Files.Step);
        return new OnnxCaptionSteps(ReadBytes(prepare), prepare, ReadBytes(step), step, manifest.State.Contains(CaptionerOnnx.C), threads);
    }

    private OnnxCaptionSteps(byte[] prepareModel, string prepareSource, byte[] stepModel, string stepSource, bool lstm, int? threads)
    {
        this.lstm = lstm;
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
        string[] state = lstm ? [CaptionerOnnx.H, CaptionerOnnx.C] : [CaptionerOnnx.H];
        try
        {
            Require(prepare, [CaptionerOnnx.Regions], [.. state, CaptionerOnnx.Values, CaptionerOnnx.Keys]);
            Require(step, [CaptionerOnnx.Tokens, .. state, CaptionerOnnx.Values, CaptionerOnnx.Keys],
                [CaptionerOnnx.LogProbs, .. state.Select(s => s + "_next"), CaptionerOnnx.Alpha]);
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
        var outputs = prepare.Run([(CaptionerOnnx.Regions, regions)],
            lstm ? [CaptionerOnnx.H, CaptionerOnnx.C, CaptionerOnnx.Values, CaptionerOnnx.Keys] : [CaptionerOnnx.H, CaptionerOnnx.Values, CaptionerOnnx.Keys]);
        var device = regions.device;
        return lstm
            ? new CaptionDecoderState(outputs[0].to(device), outputs[1].to(device), new AttentionMemory(outputs[2].to(device), outputs[3].to(device), null))
            : new CaptionDecoderState(outputs[0].to(device), null, new AttentionMemory(outputs[1].to(device), outputs[2].to(device), null));
    }

    public StepOutput DecodeStep(Tensor tokens, IDecoderState state)
    {
        var current = (CaptionDecoderState)state;
        var inputs = new List<(string, Tensor)>
        {
            (CaptionerOnnx.Tokens, tokens), (CaptionerOnnx.H, current.H),
            (CaptionerOnnx.Values, current.Memory.Values), (CaptionerOnnx.Keys, current.Memory.Keys),
        };
        if (lstm) inputs.Add((CaptionerOnnx.C, current.C!));
        var outputs = step.Run(inputs, lstm
            ? [CaptionerOnnx.LogProbs, CaptionerOnnx.HNext, CaptionerOnnx.CNext, CaptionerOnnx.Alpha]
            : [CaptionerOnnx.LogProbs, CaptionerOnnx.HNext, CaptionerOnnx.Alpha]);
        var device = current.H.device;
        var next = new CaptionDecoderState(outputs[1].to(device), lstm ? outputs[2].to(device) : null, current.Memory);
        return new StepOutput(outputs[0].to(device), next, outputs[^1].to(device));
    }

    private static byte[] ReadBytes(string path) => OnnxFile.Read(path).ToByteArray();

    public void Dispose()
    {
        prepare.Dispose();
        step.Dispose();
    }
}
