using Spotlight.Vision;

namespace Spotlight.Inpainting;

/// <summary>
/// A user's image and hole, brought to the model's square input: the image through the usual resize-and-crop, the
/// mask (an image of the same size, white = hole) or box (x, y, w, h in the image's pixels) through the same crop.
/// Files (the CLI) and uploads (the server) take the same path, so both fill the same hole.
/// </summary>
public static class InpaintingInput
{
    public static (RgbImage Image, HoleMask Hole) Load(string imagePath, string? maskPath, int[]? box, int size)
    {
        if ((maskPath is null) == (box is null)) throw new SpotlightException("give exactly one of --mask MASK.png or --box x,y,w,h");
        using var bitmap = ImageDecoder.Decode(imagePath);
        if (maskPath is not null)
        {
            using var mask = ImageDecoder.Decode(maskPath);
            return Prepare(bitmap, imagePath, mask, maskPath, null, size);
        }
        return Prepare(bitmap, imagePath, null, null, box, size);
    }

    /// <summary>
    /// The same from decoded bitmaps (a server decodes uploads itself): exactly one of <paramref name="mask"/> and
    /// <paramref name="box"/>. Every failure here is about the hole, never the image.
    /// </summary>
    public static (RgbImage Image, HoleMask Hole) Prepare(SkiaSharp.SKBitmap bitmap, string imageName,
        SkiaSharp.SKBitmap? mask, string? maskName, int[]? box, int size)
    {
        if ((mask is null) == (box is null)) throw new SpotlightException("give exactly one of a mask or a box x,y,w,h");
        var image = ImagePipeline.ResizeAndCrop(bitmap, new ImagePreprocessing(size));
        HoleMask hole;
        string name;
        if (mask is not null)
        {
            hole = MaskFile.FromBitmap(mask, maskName!, bitmap.Width, bitmap.Height);
            name = maskName!;
        }
        else
        {
            if (box!.Length != 4) throw new SpotlightException($"--box needs x,y,w,h (four integers), got {box.Length} numbers");
            int x = box[0], y = box[1], w = box[2], h = box[3];
            if (w <= 0 || h <= 0) throw new SpotlightException($"--box {x},{y},{w},{h}: width and height must be positive");
            if (x < 0 || y < 0 || x + w > bitmap.Width || y + h > bitmap.Height)
                throw new SpotlightException($"--box {x},{y},{w},{h} does not lie inside the {bitmap.Width}x{bitmap.Height} image {imageName}");
            hole = HoleMask.Box(bitmap.Width, bitmap.Height, x, y, w, h).EnsureUsable($"--box {x},{y},{w},{h}");
            name = $"--box {x},{y},{w},{h}";
        }
        return (image, MaskFile.ToModelSize(hole, size).EnsureUsable($"{name} (at the model's {size}x{size})"));
    }

    /// <summary>"x,y,w,h" to four integers.</summary>
    public static int[] ParseBox(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out values[i])) throw new SpotlightException($"--box {text}: '{parts[i]}' is not an integer (use x,y,w,h)");
        return values;
    }
}
