using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders;

/// <summary>
/// Turns a batch of preprocessed images into a grid of region features, the "annotation vectors" a_i of
/// Show, Attend and Tell. Pluggable: the small CNN trained from scratch, or a pretrained backbone.
/// </summary>
public interface IImageEncoder
{
    /// <summary>images (batch, 3, H, W) → regions (batch, GridHeight·GridWidth, FeatureDim), row-major over the grid.</summary>
    Tensor Encode(Tensor images);

    int FeatureDim { get; }
    int GridHeight { get; }
    int GridWidth { get; }
}
