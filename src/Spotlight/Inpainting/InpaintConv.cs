using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Inpainting;

/// <summary>
/// A 3×3 convolution followed by LeakyReLU(0.2) (PEN-Net's activation), or with <c>gated</c> a gated convolution
/// (Yu et al., "Free-Form Image Inpainting with Gated Convolution", ICCV 2019): LeakyReLU(W_f x) · σ(W_g x), which
/// lets the network learn per pixel how much to trust features computed from the hole.
/// </summary>
public sealed class InpaintConv : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;           // W_f, and W_g stacked after it when gated
    private readonly bool gated;
    private readonly long outChannels;

    public InpaintConv(long inChannels, long outChannels, long stride, bool gated) : base(nameof(InpaintConv))
    {
        this.gated = gated;
        this.outChannels = outChannels;
        conv = Conv2d(inChannels, gated ? 2 * outChannels : outChannels, 3, stride: stride, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var y = conv.forward(input);
        if (!gated) return functional.leaky_relu(y, 0.2);
        var parts = y.split(outChannels, 1);
        return functional.leaky_relu(parts[0], 0.2) * parts[1].sigmoid();
    }
}
