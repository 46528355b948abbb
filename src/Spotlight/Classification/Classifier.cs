using Spotlight.Vision.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Classification;

/// <summary>
/// An image classifier over any of the library's encoders: p(class | image) = softmax(W dropout(f(image)) + b), with f
/// the ViT's class token, or the mean of a CNN's regions. A pretrained encoder's blocks learn only when asked
/// (<see cref="PretrainedEncoderConfig.TrainableBlocks"/>; none = a linear probe).
/// </summary>
public sealed class Classifier : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> encoder;
    private readonly Dropout dropout;
    private readonly Linear head;

    public Classifier(ClassifierConfig config) : base(nameof(Classifier))
    {
        config.Validate();
        Config = config;
        encoder = config.Encoder switch
        {
            ClassifierEncoder.Vit => new VisionTransformer(config.Vit!),
            ClassifierEncoder.Pretrained => config.Pretrained!.Create(),
            _ => new SmallCnnEncoder(config.Cnn ?? new SmallCnnConfig()),
        };
        dropout = Dropout(config.Dropout);
        head = Linear(((IImageEncoder)encoder).FeatureDim, config.Classes);
        RegisterComponents();
        if (config.Pretrained is { } pretrained)
        {
            var trainable = pretrained.Blocks().Skip(Math.Max(0, pretrained.Blocks().Count - pretrained.TrainableBlocks)).SelectMany(b => b).ToArray();
            foreach (var (name, parameter) in encoder.named_parameters())
                parameter.requires_grad = trainable.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    public ClassifierConfig Config { get; }
    public nn.Module<Tensor, Tensor> Encoder => encoder;

    /// <summary>images (batch, 3, S, S) → class logits (batch, classes).</summary>
    public override Tensor forward(Tensor images) => head.forward(dropout.forward(Features(images)));

    /// <summary>images → logits and, for a ViT, each block's attention per head, from one pass (null for other encoders).</summary>
    public (Tensor Logits, IReadOnlyList<Tensor>? Attention) ForwardWithAttention(Tensor images)
    {
        if (encoder is not VisionTransformer vit) return (forward(images), null);
        var (tokens, weights) = vit.TokensWithAttention(images);
        return (head.forward(dropout.forward(tokens[.., 0])), weights);
    }

    /// <summary>The pooled features (batch, dim): the ViT's class token, or the mean region.</summary>
    public Tensor Features(Tensor images) => encoder is VisionTransformer vit
        ? vit.Tokens(images)[.., 0]
        : ((IImageEncoder)encoder).Encode(images).mean([1]);

    /// <summary>A pretrained encoder keeps its ImageNet batch-norm statistics: it stays in eval mode.</summary>
    public override void train(bool on = true)
    {
        base.train(on);
        if (Config.Pretrained is not null) encoder.eval();
    }
}
