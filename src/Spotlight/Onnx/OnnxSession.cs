using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using static TorchSharp.torch;

namespace Spotlight.Onnx;

/// <summary>
/// One ONNX Runtime session taking and returning TorchSharp tensors (float32, int64, bool): inputs are read in place
/// from the tensors' memory, outputs copied once into new tensors.
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
        // Spotlight alternates sessions (encoder, prepare, step) with libtorch on few cores: pool threads that spin after
        // their work keep the cores from whoever runs next.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new SpotlightException($"{source}: ONNX Runtime cannot load it ({e.Message.Split('\n')[0]})");
        }
        Source = source;
        outputNames = [.. session.OutputNames];
    }

    private readonly HashSet<string> outputNames;

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
    /// Runs the graph on named inputs (int64 and bool tensors keep their type, anything else is sent as float32); returns
    /// the named outputs as new CPU tensors of their ONNX element type. A missing input or output is one line naming it.
    /// </summary>
    public Tensor[] Run(IReadOnlyList<(string Name, Tensor Value)> inputs, params string[] outputs)
    {
        foreach (var name in outputs.Where(o => !outputNames.Contains(o)))
            throw new SpotlightException($"{Source}: has no output '{name}' (it has {string.Join(", ", session.OutputNames)})");
        if (session.InputNames.FirstOrDefault(n => !inputs.Any(i => i.Name == n)) is { } missing)
            throw new SpotlightException($"{Source}: input '{missing}' was not given");
        // Inputs are read in place from the tensors' memory (kept alive and contiguous here until the run ends);
        // outputs are copied once, straight into new tensors' memory.
        var held = inputs.Select(i => Contiguous(i.Value)).ToList();
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (var t in held)
                values.Add(OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance,
                    t.dtype switch { ScalarType.Int64 => TensorElementType.Int64, ScalarType.Bool => TensorElementType.Bool, _ => TensorElementType.Float },
                    t.shape, Address(t), t.NumberOfElements * t.ElementSize));
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [.. inputs.Select(i => i.Name)], values, outputs);
            var tensors = new Tensor[outputs.Length];
            for (int i = 0; i < outputs.Length; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                var type = info.ElementDataType switch
                {
                    TensorElementType.Int64 => ScalarType.Int64,
                    TensorElementType.Bool => ScalarType.Bool,
                    TensorElementType.Float => ScalarType.Float32,
                    var other => throw new SpotlightException($"{Source}: output '{outputs[i]}' is {other}; Spotlight reads float32, int64 and bool outputs"),
                };
                tensors[i] = empty(info.Shape, type);
                results[i].GetTensorMutableRawData().CopyTo(tensors[i].bytes);
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
            for (int i = 0; i < held.Count; i++)
                if (!ReferenceEquals(held[i], inputs[i].Value)) held[i].Dispose();
        }
    }

    /// <summary>Where a contiguous CPU tensor's data lies: libtorch's memory, which does not move while the tensor lives.</summary>
    private static unsafe IntPtr Address(Tensor t)
    {
        fixed (byte* data = t.bytes) return (IntPtr)data;
    }

    /// <summary>A contiguous CPU float32, int64 or bool tensor with the same values (the tensor itself when it already is one).</summary>
    private static Tensor Contiguous(Tensor value)
    {
        var type = value.dtype is ScalarType.Int64 or ScalarType.Bool ? value.dtype : ScalarType.Float32;
        if (value.device_type == TorchSharp.DeviceType.CPU && value.dtype == type && value.is_contiguous()) return value;
        var copy = empty(value.shape, type).DetachFromDisposeScope();   // disposed by Run
        copy.copy_(value);
        return copy;
    }

    public void Dispose() => session.Dispose();
}
