using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Spotlight.Inpainting;

/// <summary>
/// One forward pass: the full-size image (tanh, in [-1, 1]), the pyramid of smaller RGB outputs (coarsest first),
/// and, when asked for, the attention of every transfer step (deepest first).
/// </summary>
public sealed record InpaintingOutput(Tensor Image, IReadOnlyList<Tensor> Pyramid, IReadOnlyList<ContextualAttentionResult> Attention);

/// <summary>
/// The PEN-Net generator (Zeng et al., CVPR 2019, §3): an encoder of stride-2 levels down to 4×4; attention transfer
/// (ATN) walking back up, where the attention computed on level l+1 (already filled) fills the hole of level l by
/// contextual attention (Yu et al. 2018); a decoder that joins each filled level as a skip and emits an RGB image
/// at every level. With <see cref="SkipKind.Identity"/> the skips are the encoder features unchanged.
/// </summary>
public sealed class InpaintingNet : Module<Tensor, Tensor, InpaintingOutput>
{
    private readonly ModuleList<Sequential> encoder;    // level i: stride-2 conv, conv; output at size / 2^(i+1)
    private readonly ModuleList<InpaintConv> decoder;   // level i (deep to shallow): joins up(d_{i+1}) and skip a_i
    private readonly ModuleList<Conv2d> toRgb;          // 1×1 heads of the pyramid, one per decoder level
    private readonly InpaintConv finalConv;             // full size, sees the input again
    private readonly Conv2d finalRgb;

    public InpaintingConfig Config { get; }

    /// <summary>Keep every transfer step's attention in the output (for pictures); off while training.</summary>
    public bool KeepAttention { get; set; }

    public InpaintingNet(InpaintingConfig config) : base(nameof(InpaintingNet))
    {
        Runtime.NnpackSwitch.Disable();   // every model with convolutions: see NnpackSwitch
        config.Validate();
        Config = config;
        int levels = config.Levels;
        encoder = new ModuleList<Sequential>();
        for (int i = 0; i < levels; i++)
        {
            long input = i == 0 ? 4 : config.Channels(i - 1), output = config.Channels(i);
            encoder.Add(Sequential(
                ("down", new InpaintConv(input, output, 2, config.Gated)),
                ("conv", new InpaintConv(output, output, 1, config.Gated))));
        }
        decoder = new ModuleList<InpaintConv>();
        toRgb = new ModuleList<Conv2d>();
        for (int i = levels - 2; i >= 0; i--)
        {
            long below = i == levels - 2 ? config.Channels(levels - 1) : config.Channels(i + 1);
            decoder.Add(new InpaintConv(below + config.Channels(i), config.Channels(i), 1, config.Gated));
            toRgb.Add(Conv2d(config.Channels(i), 3, 1));
        }
        finalConv = new InpaintConv(config.Channels(0) + 4, config.Channels(0), 1, config.Gated);
        finalRgb = Conv2d(config.Channels(0), 3, 3, padding: 1);
        RegisterComponents();
    }

    /// <param name="masked">(B, 3, S, S) image in [-1, 1] with the hole set to 0</param>
    /// <param name="hole">(B, 1, S, S), 1 = hole</param>
    public override InpaintingOutput forward(Tensor masked, Tensor hole)
    {
        var input = cat([masked, hole], 1);                                    // (B, 4, S, S)
        var features = new List<Tensor>();
        var x = input;
        foreach (var level in encoder)
        {
            x = level.forward(x);
            features.Add(x);                                                   // e_i: (B, C_i, S/2^(i+1), S/2^(i+1))
        }

        int levels = features.Count;
        var skips = new Tensor[levels];
        skips[levels - 1] = features[levels - 1];
        var attention = new List<ContextualAttentionResult>();
        for (int i = levels - 2; i >= 0; i--)
        {
            if (Config.Skips == SkipKind.Identity) { skips[i] = features[i]; continue; }
            var deeper = skips[i + 1];
            var holeDeep = F.adaptive_max_pool2d(hole, [deeper.shape[2], deeper.shape[3]]);
            var holeHere = F.adaptive_max_pool2d(hole, [features[i].shape[2], features[i].shape[3]]);
            var result = ContextualAttention.Attend(deeper, features[i], holeDeep, Config.AttentionOptions);
            // Inside the hole: the pasted patches, topped up with the level's own features where no key was usable.
            skips[i] = features[i] + holeHere * (result.Output - result.Mass * features[i]);
            if (KeepAttention) attention.Add(result);
        }

        var pyramid = new List<Tensor>();
        var d = features[levels - 1];
        for (int j = 0; j < decoder.Count; j++)
        {
            int i = levels - 2 - j;
            var up = F.interpolate(d, [skips[i].shape[2], skips[i].shape[3]], mode: InterpolationMode.Nearest);
            d = decoder[j].forward(cat([up, skips[i]], 1));
            pyramid.Add(toRgb[j].forward(d).tanh());
        }
        var top = F.interpolate(d, [masked.shape[2], masked.shape[3]], mode: InterpolationMode.Nearest);
        var image = finalRgb.forward(finalConv.forward(cat([top, input], 1))).tanh();
        return new InpaintingOutput(image, pyramid, attention);
    }

    /// <summary>The known pixels from the input, the hole from the network: what the user sees.</summary>
    public static Tensor Composite(Tensor image, Tensor predicted, Tensor hole) => image * (1 - hole) + predicted * hole;
}
