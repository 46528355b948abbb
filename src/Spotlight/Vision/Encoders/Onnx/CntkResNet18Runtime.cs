using Spotlight.Onnx;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders.Onnx;

/// <summary>
/// ML.NET's two original files run as they are in ONNX Runtime: ResNetPreprocess.onnx, then ResNet18.onnx with its
/// 7×7 grid (<see cref="CntkResNet18.GridOutput"/>) added to the graph outputs and the batch axis made free. The
/// reference that the TorchSharp import is checked against.
/// </summary>
public sealed class CntkResNet18Runtime : IDisposable
{
    private readonly OnnxSession preprocess;
    private readonly OnnxSession network;

    public CntkResNet18Runtime(string resnet18Onnx, int? threads = null)
    {
        var networkModel = OnnxFile.Read(resnet18Onnx);
        string preprocessPath = CntkResNet18.PreprocessPath(resnet18Onnx);
        CntkResNet18.ReadMeanImage(preprocessPath).Dispose();   // the same checks as the import
        if (!networkModel.Graph.Output.Any(o => o.Name == CntkResNet18.PooledOutput))
            throw new SpotlightException($"{resnet18Onnx}: has no output '{CntkResNet18.PooledOutput}' (the pooled features of the CNTK ResNet-18)");
        preprocess = new OnnxSession(WithFreeBatch(OnnxFile.Read(preprocessPath), null), preprocessPath, threads);
        try
        {
            network = new OnnxSession(WithFreeBatch(networkModel, CntkResNet18.GridOutput), resnet18Onnx, threads);
        }
        catch
        {
            preprocess.Dispose();
            throw;
        }
    }

    /// <summary>images (batch, 3, 224, 224), RGB 0–255 → grid (batch, 512, 7, 7) and pooled (batch, 512).</summary>
    public (Tensor Grid, Tensor Pooled) Run(Tensor images)
    {
        using var prepared = preprocess.Run(images, "PreprocessedInput")[0];
        var outputs = network.Run(prepared, CntkResNet18.GridOutput, CntkResNet18.PooledOutput);
        return (outputs[0], outputs[1].flatten(1));
    }

    /// <summary>The model with a free batch axis (shapes inferred for batch 1 dropped) and, if given, one more output.</summary>
    private static byte[] WithFreeBatch(ModelProto model, string? extraOutput)
    {
        var graph = model.Graph;
        graph.ValueInfo.Clear();
        foreach (var value in graph.Input.Concat(graph.Output))
            if (value.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape) shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "batch" };
        if (extraOutput is not null)
            graph.Output.Add(new ValueInfoProto
            {
                Name = extraOutput,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        return model.ToByteArray();
    }

    public void Dispose()
    {
        preprocess.Dispose();
        network.Dispose();
    }
}
