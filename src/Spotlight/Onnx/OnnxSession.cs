using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Spotlight.Onnx;

/// <summary>
/// One ONNX Runtime session taking and returning TorchSharp tensors (float32 and int64, copied at the border).
/// Threads follow TorchSharp's (<c>--threads</c>) unless given; the session is made once and reused.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession session;

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
        Source = source;
    }

    public string Source { get; }
    public IReadOnlyList<string> InputNames => session.InputNames;
    public IReadOnlyList<string> OutputNames => session.OutputNames;

    /// <summary>Runs a graph of one input on a float32 tensor; returns the named outputs as new float32 tensors.</summary>
    public Tensor[] Run(Tensor input, params string[] outputs)
    {
        if (session.InputNames.Count != 1)
            throw new SpotlightException($"{Source}: expected one input, found {session.InputNames.Count}");
        return Run([(session.InputNames[0], input)], outputs);
    }

    /// <summary>
    /// Runs the graph on named inputs (int64 tensors stay int64, anything else is sent as float32); returns the named
    /// outputs as new CPU tensors of their ONNX element type. A missing input or output is one line naming it.
    /// </summary>
    public Tensor[] Run(IReadOnlyList<(string Name, Tensor Value)> inputs, params string[] outputs)
    {
        foreach (var name in outputs.Where(o => !session.OutputNames.Contains(o)))
            throw new SpotlightException($"{Source}: has no output '{name}' (it has {string.Join(", ", session.OutputNames)})");
        foreach (var name in session.InputNames.Where(n => !inputs.Any(i => i.Name == n)))
            throw new SpotlightException($"{Source}: input '{name}' was not given");
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (var (_, value) in inputs) values.Add(ToOrt(value));
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [.. inputs.Select(i => i.Name)], values, outputs);
            var tensors = new Tensor[outputs.Length];
            for (int i = 0; i < outputs.Length; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                tensors[i] = info.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64
                    ? tensor(results[i].GetTensorDataAsSpan<long>().ToArray(), info.Shape)
                    : tensor(results[i].GetTensorDataAsSpan<float>().ToArray(), info.Shape);
            }
            return tensors;
        }
        catch (OnnxRuntimeException e)
        {
            throw new SpotlightException($"{Source}: ONNX Runtime failed ({string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))})");
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    private static OrtValue ToOrt(Tensor value)
    {
        var x = value.cpu().contiguous();
        if (x.dtype == ScalarType.Int64) return OrtValue.CreateTensorValueFromMemory(x.data<long>().ToArray(), x.shape);
        using var f = x.to_type(ScalarType.Float32);
        return OrtValue.CreateTensorValueFromMemory(f.data<float>().ToArray(), f.shape);
    }

    public void Dispose() => session.Dispose();
}
