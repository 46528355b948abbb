using Spotlight.Onnx;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders.Onnx;

/// <summary>
/// A frozen <see cref="ResNetEncoder"/> run by ONNX Runtime instead of libtorch: the trunk is exported once with its
/// weights at construction (<see cref="ResNetOnnxGraph"/>), so later changes to the module's weights are not seen.
/// Same input and output as <see cref="ResNetEncoder.Encode"/>. Why: on AMD Zen 5 libtorch's oneDNN is capped at
/// SSE4.1 to stay correct (<see cref="Runtime.OneDnnGuard"/>); ONNX Runtime's own kernels are right and faster there.
/// </summary>
public sealed class OnnxResNetEncoder : IImageEncoder, IDisposable
{
    private readonly OnnxSession session;

    public OnnxResNetEncoder(ResNetEncoder encoder, int? threads = null)
    {
        session = new OnnxSession(ResNetOnnxGraph.Serialize(encoder), $"ResNet-{encoder.Depth} trunk (ONNX export)", threads);
        FeatureDim = encoder.FeatureDim;
        GridHeight = encoder.GridHeight;
        GridWidth = encoder.GridWidth;
    }

    public int FeatureDim { get; }
    public int GridHeight { get; }
    public int GridWidth { get; }

    /// <summary>images (batch, 3, H, W) → regions (batch, h·w, FeatureDim), on the images' device.</summary>
    public Tensor Encode(Tensor images)
    {
        using var grid = session.Run(images, ResNetOnnxGraph.Output)[0];
        return grid.flatten(2).transpose(1, 2).contiguous().to(images.device);
    }

    public void Dispose() => session.Dispose();
}
