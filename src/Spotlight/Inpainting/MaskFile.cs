using Spotlight.Vision;

namespace Spotlight.Inpainting;

/// <summary>Masks from and to PNG files: white (luminance ≥ 128) marks the hole, black the known pixels.</summary>
public static class MaskFile
{
    /// <summary>Reads a mask that must have exactly the size of the image it belongs to.</summary>
    public static HoleMask Load(string path, int expectedWidth, int expectedHeight)
    {
        using var bitmap = ImageDecoder.Decode(path);
        return FromBitmap(bitmap, path, expectedWidth, expectedHeight);
    }

    /// <summary>A decoded mask, checked against the size of its image; <paramref name="name"/> names it in errors.</summary>
    public static HoleMask FromBitmap(SkiaSharp.SKBitmap bitmap, string name, int expectedWidth, int expectedHeight)
    {
        if (bitmap.Width != expectedWidth || bitmap.Height != expectedHeight)
            throw new SpotlightException($"{name}: mask is {bitmap.Width}x{bitmap.Height} but the image is {expectedWidth}x{expectedHeight}");
        return FromRgb(RgbImage.FromRgba(PixelOps.ReadRgba(bitmap), bitmap.Width, bitmap.Height)).EnsureUsable(name);
    }

    internal static HoleMask FromRgb(RgbImage rgb)
    {
        var hole = new bool[rgb.Width * rgb.Height];
        for (int i = 0; i < hole.Length; i++)
        {
            // Rec. 601 luma, in integers: a grey or colour mask both work.
            int luma = (299 * rgb.Data[3 * i] + 587 * rgb.Data[3 * i + 1] + 114 * rgb.Data[3 * i + 2]) / 1000;
            hole[i] = luma >= 128;
        }
        return new HoleMask(rgb.Width, rgb.Height, hole);
    }

    /// <summary>The mask as a black-and-white RGB image (hole white).</summary>
    public static RgbImage ToRgb(HoleMask mask)
    {
        var data = new byte[mask.Width * mask.Height * 3];
        var pixels = mask.Pixels;
        for (int i = 0; i < pixels.Length; i++)
            if (pixels[i]) data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = 255;
        return new RgbImage(mask.Width, mask.Height, data);
    }

    /// <summary>
    /// Maps a mask drawn on the original image onto the model's square input, through the same resize and crop as the
    /// image (<see cref="ImagePipeline.ResizeAndCrop(RgbImage, ImagePreprocessing)"/>), then thresholds at 128.
    /// </summary>
    public static HoleMask ToModelSize(HoleMask mask, int size) =>
        mask.Width == size && mask.Height == size ? mask : FromRgb(ImagePipeline.ResizeAndCrop(ToRgb(mask), new ImagePreprocessing(size)));
}
