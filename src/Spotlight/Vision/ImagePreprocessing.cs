namespace Spotlight.Vision;

/// <summary>A value per colour channel (a record struct, so two configs with equal numbers are equal).</summary>
public readonly record struct RgbTriple(float R, float G, float B)
{
    public float this[int channel] => channel switch { 0 => R, 1 => G, 2 => B, _ => throw new ArgumentOutOfRangeException(nameof(channel)) };
}

public enum ResizePolicy
{
    /// <summary>Scale so the shorter side is Size (aspect kept), then cut the central Size×Size square.</summary>
    ShorterSideThenCenterCrop,
    /// <summary>Scale both sides to Size, distorting the aspect ratio; nothing is cut off.</summary>
    Stretch,
}

/// <summary>
/// How an image becomes the model's input: resize, crop to Size×Size, scale to [0,1], then (x − Mean) / Std per
/// channel. The defaults are the ImageNet statistics that pretrained encoders expect. Saved inside the model file so
/// inference repeats exactly what training did.
/// </summary>
public sealed record ImagePreprocessing(int Size = 224)
{
    public static RgbTriple ImageNetMean => new(0.485f, 0.456f, 0.406f);
    public static RgbTriple ImageNetStd => new(0.229f, 0.224f, 0.225f);

    public ResizePolicy Resize { get; init; } = ResizePolicy.ShorterSideThenCenterCrop;
    public RgbTriple Mean { get; init; } = ImageNetMean;
    public RgbTriple Std { get; init; } = ImageNetStd;

    public static ImagePreprocessing ImageNet(int size = 224) => new(size);

    /// <summary>Maps [0,255] to [-1,1] (mean 0.5, std 0.5): for encoders trained from scratch.</summary>
    public static ImagePreprocessing SymmetricUnit(int size) =>
        new(size) { Mean = new(0.5f, 0.5f, 0.5f), Std = new(0.5f, 0.5f, 0.5f) };

    /// <summary>Keeps RGB values 0–255 (mean 0, std 1/255): for networks that normalise inside (CNTK's ResNet-18).</summary>
    public static ImagePreprocessing Bytes(int size) =>
        new(size) { Mean = new(0f, 0f, 0f), Std = new(1 / 255f, 1 / 255f, 1 / 255f) };

    public void Validate()
    {
        if (Size < 1 || Size > 4096) throw new SpotlightException($"image size must be between 1 and 4096, got {Size}");
        for (int c = 0; c < 3; c++)
        {
            if (!(Std[c] > 0) || !float.IsFinite(Std[c]))
                throw new SpotlightException($"image normalisation std must be positive and finite, got {Std[c]} for channel {c}");
            if (!float.IsFinite(Mean[c])) throw new SpotlightException($"image normalisation mean must be finite, got {Mean[c]} for channel {c}");
        }
    }
}
