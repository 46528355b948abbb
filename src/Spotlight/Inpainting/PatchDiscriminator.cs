using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Inpainting;

/// <summary>
/// A small patch discriminator for the optional hinge-GAN term (Lim &amp; Ye 2017; used by DeepFill v2 and PEN-Net's
/// training): stride-2 5×5 convolutions with LeakyReLU, ending in one score per patch. Spectral normalisation, which
/// those papers add, is not applied; the term is off by default.
/// </summary>
public sealed class PatchDiscriminator : Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public PatchDiscriminator(int baseChannels) : base(nameof(PatchDiscriminator))
    {
        int c = baseChannels;
        layers = Sequential(
            Conv2d(3, c, 5, stride: 2, padding: 2), LeakyReLU(0.2),
            Conv2d(c, 2 * c, 5, stride: 2, padding: 2), LeakyReLU(0.2),
            Conv2d(2 * c, 4 * c, 5, stride: 2, padding: 2), LeakyReLU(0.2),
            Conv2d(4 * c, 1, 5, stride: 1, padding: 2));
        RegisterComponents();
    }

    public override Tensor forward(Tensor image) => layers.forward(image);
}
