using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Vision.Encoders;

/// <summary>Shape of the small from-scratch CNN; the defaults turn a 64x64 image into an 8x8 grid of 128-d regions.</summary>
public sealed record SmallCnnConfig(int ImageSize = 64, int[]? Channels = null, bool PositionEmbedding = true)
{
    public int[] StageChannels => Channels ?? [16, 32, 64, 128];

    /// <summary>Each stage but the first halves the resolution.</summary>
    public int GridSize => ImageSize >> (StageChannels.Length - 1);

    public void Validate()
    {
        if (ImageSize < 8) throw new SpotlightException($"encoder image size {ImageSize} is too small (at least 8)");
        if (StageChannels.Length < 2) throw new SpotlightException("the CNN encoder needs at least 2 stages");
        if (StageChannels.Any(c => c <= 0)) throw new SpotlightException("encoder channel counts must be positive");
        if (ImageSize % (1 << (StageChannels.Length - 1)) != 0)
            throw new SpotlightException($"image size {ImageSize} must be divisible by {1 << (StageChannels.Length - 1)}");
    }
}

/// <summary>
/// A small VGG-style CNN, fast on CPU: conv-BN-ReLU stages, 2x2 max-pool between them, and a learned embedding per
/// grid cell. The position embedding matters here because captions talk about "left of" and "above": a plain
/// CNN only knows where a feature is through padding artefacts.
/// </summary>
public sealed class SmallCnnEncoder : Module<Tensor, Tensor>, IImageEncoder
{
    private readonly ModuleList<Module<Tensor, Tensor>> stages;
    private readonly Parameter? position;   // (regions, dim)
    private readonly SmallCnnConfig config;

    public SmallCnnEncoder(SmallCnnConfig config) : base(nameof(SmallCnnEncoder))
    {
        Runtime.NnpackSwitch.Disable();   // every model with convolutions: see NnpackSwitch
        config.Validate();
        this.config = config;
        var channels = config.StageChannels;
        stages = new ModuleList<Module<Tensor, Tensor>>();
        int inChannels = 3;
        for (int i = 0; i < channels.Length; i++)
        {
            var layers = new List<Module<Tensor, Tensor>>();
            if (i > 0) layers.Add(MaxPool2d(2));
            layers.Add(Conv2d(inChannels, channels[i], 3, padding: 1, bias: false));
            layers.Add(BatchNorm2d(channels[i]));
            layers.Add(ReLU(inplace: true));
            stages.Add(Sequential(layers));
            inChannels = channels[i];
        }
        int regions = config.GridSize * config.GridSize;
        if (config.PositionEmbedding)
            position = Parameter(torch.zeros(regions, channels[^1]).normal_(0, 0.02));
        RegisterComponents();
    }

    public int FeatureDim => config.StageChannels[^1];
    public int GridHeight => config.GridSize;
    public int GridWidth => config.GridSize;

    public Tensor Encode(Tensor images) => forward(images);

    public override Tensor forward(Tensor images)
    {
        var x = images;                                         // (batch, 3, H, W)
        foreach (var stage in stages) x = stage.forward(x);
        var regions = x.flatten(2).transpose(1, 2);             // (batch, grid·grid, dim), row-major
        return position is null ? regions : regions + position;
    }
}
