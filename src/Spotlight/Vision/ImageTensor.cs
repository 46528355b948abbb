using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Vision;

/// <summary>Images to and from float32 tensors shaped (3, Size, Size), through <see cref="ImagePipeline"/>.</summary>
public static class ImageTensor
{
    public static Tensor FromBitmap(SKBitmap bitmap, ImagePreprocessing preprocessing)
    {
        var rgb = ImagePipeline.ResizeAndCrop(bitmap, preprocessing);
        return FromPixels(rgb, preprocessing);
    }

    /// <summary>Decode a file and preprocess it exactly as <see cref="Spotlight.Captioning.Data.CaptionBatchLoader"/> does.</summary>
    public static Tensor Load(string path, ImagePreprocessing preprocessing, ImageLimits? limits = null) =>
        FromPixels(ImagePipeline.LoadAndCrop(path, preprocessing, limits), preprocessing);

    public static Tensor FromPixels(RgbImage rgb, ImagePreprocessing preprocessing) =>
        tensor(ImagePipeline.Normalize(rgb, preprocessing), [3, rgb.Height, rgb.Width], ScalarType.Float32);

    /// <summary>
    /// A (3, H, W) tensor back to an opaque bitmap. With <paramref name="normalisation"/> the tensor is first mapped
    /// back by x·std + mean; either way values are then taken as [0,1], scaled to 0–255, rounded and clamped.
    /// </summary>
    public static SKBitmap ToBitmap(Tensor chw, ImagePreprocessing? normalisation = null)
    {
        if (chw.dim() != 3 || chw.shape[0] != 3)
            throw new ArgumentException($"expected a (3, H, W) tensor, got ({string.Join(", ", chw.shape)})", nameof(chw));
        int h = (int)chw.shape[1], w = (int)chw.shape[2], plane = h * w;
        var values = chw.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        var rgba = new byte[plane * 4];
        for (int c = 0; c < 3; c++)
        {
            float std = normalisation?.Std[c] ?? 1f, mean = normalisation?.Mean[c] ?? 0f;
            for (int i = 0; i < plane; i++)
            {
                float v = (values[c * plane + i] * std + mean) * 255f;
                if (float.IsNaN(v)) v = 0f;
                rgba[i * 4 + c] = (byte)Math.Clamp(MathF.Round(v), 0f, 255f);
            }
        }
        for (int i = 0; i < plane; i++) rgba[i * 4 + 3] = 255;
        return PixelOps.ToBitmap(rgba, w, h);
    }
}
