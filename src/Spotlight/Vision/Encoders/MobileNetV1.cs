using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Spotlight.Vision.Encoders;

/// <summary>
/// MobileNet v1 (Howard et al. 2017) exactly as Keras builds it, so that its ImageNet weights load unchanged:
/// a 3×3 stride-2 convolution, then 13 depthwise-separable blocks (3×3 depthwise, 1×1 pointwise), each convolution
/// followed by BatchNorm (ε = 1e-3) and ReLU6. Keras pads 'same' convolutions asymmetrically (the extra row and column
/// go bottom/right), which is done explicitly here for any input size. Layer names are Keras' own
/// (conv1, conv1_bn, conv_dw_1, conv_pw_1_bn, …, conv_preds) so a weight file reads like the original.
/// </summary>
public sealed class MobileNetV1 : Module<Tensor, Tensor>, IImageEncoder
{
    /// <summary>Pointwise output channels of the 13 blocks at width 1.0; blocks 2, 4, 6 and 12 halve the resolution.</summary>
    private static readonly int[] BlockChannels = [64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024];
    private static readonly HashSet<int> StrideTwoBlocks = [2, 4, 6, 12];

    private readonly List<(Conv2d Conv, BatchNorm2d Norm, int Stride)> layers = [];
    private readonly Conv2d? classifier;
    private readonly int imageSize;

    /// <param name="alpha">width multiplier (0.25, 0.5, 0.75, 1.0)</param>
    /// <param name="imageSize">input side in pixels; sets the region grid (224 → 7×7, 160 → 5×5)</param>
    /// <param name="classes">size of the ImageNet head (conv_preds), or 0 for the feature trunk only</param>
    public MobileNetV1(double alpha, int imageSize, int classes = 0) : base(nameof(MobileNetV1))
    {
        Runtime.NnpackSwitch.Disable();   // every model with convolutions: see NnpackSwitch
        if (!(alpha > 0 && alpha <= 4)) throw new SpotlightException($"MobileNet width multiplier must be in (0, 4], got {alpha}");
        if (imageSize < 32) throw new SpotlightException($"MobileNet needs images of at least 32 pixels, got {imageSize}");
        this.imageSize = imageSize;
        Alpha = alpha;
        int channels = Width(32, alpha);
        Add("conv1", Conv2d(3, channels, 3, stride: 2, bias: false), 2);
        for (int block = 1; block <= BlockChannels.Length; block++)
        {
            int stride = BlockStride(block), output = Width(BlockChannels[block - 1], alpha);
            Add($"conv_dw_{block}", Conv2d(channels, channels, 3, stride: stride, groups: channels, bias: false), stride);
            Add($"conv_pw_{block}", Conv2d(channels, output, 1, bias: false), 1);
            channels = output;
        }
        FeatureDim = channels;
        if (classes > 0)
        {
            classifier = Conv2d(channels, classes, 1);
            register_module("conv_preds", classifier);
        }
    }

    public double Alpha { get; }
    public int ImageSize => imageSize;

    /// <summary>The depthwise stride of block 1–13.</summary>
    public static int BlockStride(int block) => StrideTwoBlocks.Contains(block) ? 2 : 1;
    public int FeatureDim { get; }
    public int Classes => (int)(classifier?.weight!.shape[0] ?? 0);
    public int GridHeight => GridSide(imageSize);
    public int GridWidth => GridSide(imageSize);

    /// <summary>Keras: int(filters · alpha).</summary>
    public static int Width(int filters, double alpha) => (int)(filters * alpha);

    /// <summary>Five stride-2 'same' convolutions, each ceil(n / 2).</summary>
    public static int GridSide(int size)
    {
        for (int i = 0; i < 5; i++) size = (size + 1) / 2;
        return size;
    }

    public Tensor Encode(Tensor images) => forward(images);

    /// <summary>images (batch, 3, H, W) scaled to [-1, 1] → regions (batch, h·w, FeatureDim).</summary>
    public override Tensor forward(Tensor images) => Features(images).flatten(2).transpose(1, 2);

    /// <summary>The last feature map (batch, FeatureDim, h, w).</summary>
    public Tensor Features(Tensor images)
    {
        var x = images;
        foreach (var (conv, norm, stride) in layers)
            x = F.relu6(norm.forward(conv.forward(SamePad(x, (int)conv.weight!.shape[2], stride))));
        return x;
    }

    /// <summary>ImageNet class probabilities (batch, classes), as Keras' global pooling + conv_preds + softmax.</summary>
    public Tensor Classify(Tensor images)
    {
        if (classifier is null) throw new SpotlightException("this MobileNet has no classifier head (conv_preds)");
        var pooled = Features(images).mean([2, 3], keepdim: true);                  // (batch, dim, 1, 1)
        return F.softmax(classifier.forward(pooled).flatten(1), 1);
    }

    private void Add(string name, Conv2d conv, int stride)
    {
        var norm = BatchNorm2d(conv.weight!.shape[0], eps: 1e-3);
        register_module(name, conv);
        register_module(name + "_bn", norm);
        layers.Add((conv, norm, stride));
    }

    /// <summary>TensorFlow's 'same': total padding max((⌈n/s⌉ − 1)·s + k − n, 0), the odd pixel at the bottom/right.</summary>
    private static Tensor SamePad(Tensor x, int kernel, int stride)
    {
        long h = x.shape[2], w = x.shape[3];
        long padH = Math.Max(((h + stride - 1) / stride - 1) * stride + kernel - h, 0);
        long padW = Math.Max(((w + stride - 1) / stride - 1) * stride + kernel - w, 0);
        if (padH == 0 && padW == 0) return x;
        return F.pad(x, [padW / 2, padW - padW / 2, padH / 2, padH - padH / 2]);
    }
}
