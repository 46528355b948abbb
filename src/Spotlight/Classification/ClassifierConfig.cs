using System.Text.Json.Serialization;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;

namespace Spotlight.Classification;

/// <summary>Which image encoder a classifier pools: the small CNN, a Vision Transformer, or a pretrained encoder file.</summary>
public enum ClassifierEncoder { Cnn, Vit, Pretrained }

/// <summary>
/// A classifier's shape: the encoder (its own config), the class count and the head's dropout. Saved inside the model
/// file, so a classifier loads without the command line that made it.
/// </summary>
public sealed record ClassifierConfig(
    int Classes, ClassifierEncoder Encoder = ClassifierEncoder.Cnn, float Dropout = 0.1f,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SmallCnnConfig? Cnn = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VitConfig? Vit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PretrainedEncoderConfig? Pretrained = null)
{
    /// <summary>The input side in pixels.</summary>
    public int ImageSize => Encoder switch
    {
        ClassifierEncoder.Vit => (Vit ?? new VitConfig()).ImageSize,
        ClassifierEncoder.Pretrained => Pretrained!.ImageSize,
        _ => (Cnn ?? new SmallCnnConfig()).ImageSize,
    };

    /// <summary>How images become the encoder's input: ImageNet statistics for a pretrained encoder, [-1, 1] otherwise.</summary>
    public ImagePreprocessing Preprocessing => Encoder == ClassifierEncoder.Pretrained ? Pretrained!.Preprocessing : ImagePreprocessing.SymmetricUnit(ImageSize);

    /// <summary>A small ViT for images of <paramref name="imageSize"/> pixels (patches of a quarter… an eighth of the side).</summary>
    public static VitConfig SmallVit(int imageSize) => new(imageSize, PatchSize: Math.Max(4, imageSize / 8), Dim: 96, Depth: 4, Heads: 3, MlpRatio: 2);

    public void Validate()
    {
        if (Classes < 2) throw new SpotlightException($"a classifier needs at least 2 classes, got {Classes}");
        if (Dropout is < 0f or >= 1f) throw new SpotlightException($"dropout {Dropout} must be in [0, 1)");
        switch (Encoder)
        {
            case ClassifierEncoder.Vit: (Vit ?? throw new SpotlightException("a ViT classifier needs its ViT config")).Validate(); break;
            case ClassifierEncoder.Pretrained: (Pretrained ?? throw new SpotlightException("a pretrained-encoder classifier needs its encoder config")).Validate(); break;
            default: (Cnn ?? new SmallCnnConfig()).Validate(); break;
        }
    }
}
