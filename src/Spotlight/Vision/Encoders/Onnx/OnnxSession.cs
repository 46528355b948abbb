using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders.Onnx;

/// <summary>
/// One ONNX Runtime session with one float32 input, taking and returning TorchSharp tensors (copied at the border).
/// Threads follow TorchSharp's (<c>--threads</c>) unless given; the session is made once and reused.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession session;
    private readonly string inputName;

    /// <param name="model">the serialised ModelProto</param>
    /// <param name="source">names the model in error messages</param>
    /// <param name="threads">intra-op threads; TorchSharp's count when null</param>
    public OnnxSession(byte[] model, string source, int? threads = null)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads ?? get_num_threads(),
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new SpotlightException($"{source}: ONNX Runtime cannot load it ({e.Message.Split('\n')[0]})");
        }
        if (session.InputNames.Count != 1)
        {
            session.Dispose();
            throw new SpotlightException($"{source}: expected one input, found {session.InputNames.Count}");
        }
        inputName = session.InputNames[0];
        Source = source;
    }

    public string Source { get; }
    public IReadOnlyList<string> OutputNames => session.OutputNames;

    /// <summary>Runs the graph on a float32 CPU tensor; returns the named outputs as new float32 tensors.</summary>
    public Tensor[] Run(Tensor input, params string[] outputs)
    {
        var x = input.to_type(ScalarType.Float32).cpu().contiguous();
        var data = x.data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(data, x.shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [value], outputs);
        var tensors = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var shape = results[i].GetTensorTypeAndShape().Shape;
            tensors[i] = tensor(results[i].GetTensorDataAsSpan<float>().ToArray(), shape);
        }
        return tensors;
    }

    public void Dispose() => session.Dispose();
}
