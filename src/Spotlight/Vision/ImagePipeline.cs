using SkiaSharp;

namespace Spotlight.Vision;

/// <summary>
/// The one preprocessing path, shared by training (the batch loader) and inference (<see cref="ImageTensor"/>), so the
/// two cannot drift: decode → resize and crop to RGB bytes → normalise to CHW floats. The middle form
/// (<see cref="RgbImage"/>) is what loaders cache.
/// </summary>
public static class ImagePipeline
{
    /// <summary>
    /// <see cref="LoadAndCrop(string, ImagePreprocessing, ImageLimits?)"/> for many files, <paramref name="parallelism"/>
    /// at a time; an unreadable file is its one-line error, not an AggregateException around it.
    /// </summary>
    public static RgbImage[] LoadAndCropAll(IReadOnlyList<string> paths, ImagePreprocessing preprocessing, int parallelism = 2)
    {
        var images = new RgbImage[paths.Count];
        try
        {
            Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
                i => images[i] = LoadAndCrop(paths[i], preprocessing));
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is SpotlightException) is SpotlightException first)
        {
            throw first;
        }
        return images;
    }

    /// <summary>Decodes a file (JPEG/WebP at a reduced scale when much larger than needed) and resizes and crops it.</summary>
    public static RgbImage LoadAndCrop(string path, ImagePreprocessing preprocessing, ImageLimits? limits = null)
    {
        using var bitmap = ImageDecoder.Decode(path, limits, minShorterSide: preprocessing.Size);
        return ResizeAndCrop(bitmap, preprocessing);
    }

    /// <summary>The same for an image held in memory (an upload); <paramref name="name"/> names it in errors.</summary>
    public static RgbImage LoadAndCrop(ReadOnlySpan<byte> bytes, string name, ImagePreprocessing preprocessing, ImageLimits? limits = null)
    {
        using var bitmap = ImageDecoder.Decode(bytes, name, limits, minShorterSide: preprocessing.Size);
        return ResizeAndCrop(bitmap, preprocessing);
    }

    /// <summary>Any bitmap (transparency composited over white, as the decoder does) to Size×Size RGB.</summary>
    public static RgbImage ResizeAndCrop(SKBitmap bitmap, ImagePreprocessing preprocessing)
    {
        var rgba = PixelOps.ReadRgba(bitmap);
        PixelOps.CompositeOver(rgba, ImageDecoder.TransparentBackground);
        return ResizeAndCrop(RgbImage.FromRgba(rgba, bitmap.Width, bitmap.Height), preprocessing);
    }

    public static RgbImage ResizeAndCrop(RgbImage image, ImagePreprocessing preprocessing)
    {
        int size = preprocessing.Size;
        if (preprocessing.Resize == ResizePolicy.Stretch) return Resampler.Resize(image, size, size);

        // Shorter side to Size; the longer side keeps the aspect ratio (rounded), then the centre square is cut
        // at offset round((long − Size) / 2), as torchvision's Resize + CenterCrop do.
        int width, height;
        if (image.Width <= image.Height)
        {
            width = size;
            height = Math.Max(size, (int)Math.Round((double)image.Height * size / image.Width));
        }
        else
        {
            height = size;
            width = Math.Max(size, (int)Math.Round((double)image.Width * size / image.Height));
        }
        var resized = Resampler.Resize(image, width, height);
        if (width == size && height == size) return resized;
        int left = (int)Math.Round((width - size) / 2.0);
        int top = (int)Math.Round((height - size) / 2.0);
        return resized.Crop(left, top, size, size);
    }

    /// <summary>
    /// Writes (x/255 − mean) / std into <paramref name="chw"/>, laid out (3, Size, Size). With
    /// <paramref name="flipHorizontal"/> the columns are mirrored (a training augmentation).
    /// </summary>
    public static void Normalize(RgbImage image, ImagePreprocessing preprocessing, Span<float> chw, bool flipHorizontal = false)
    {
        int w = image.Width, h = image.Height, plane = w * h;
        if (chw.Length != 3 * plane) throw new ArgumentException($"expected {3 * plane} floats, got {chw.Length}", nameof(chw));
        var data = image.Data;
        Span<float> table = stackalloc float[256];
        for (int c = 0; c < 3; c++)
        {
            // Same expression for every byte value, looked up instead of recomputed per pixel.
            float std = preprocessing.Std[c], mean = preprocessing.Mean[c];
            for (int v = 0; v < 256; v++) table[v] = (v / 255f - mean) / std;
            var dst = chw.Slice(c * plane, plane);
            for (int y = 0; y < h; y++)
            {
                var row = dst.Slice(y * w, w);
                int src = y * w * 3 + c;
                if (flipHorizontal)
                    for (int x = 0; x < w; x++) row[w - 1 - x] = table[data[src + x * 3]];
                else
                    for (int x = 0; x < w; x++) row[x] = table[data[src + x * 3]];
            }
        }
    }

    public static float[] Normalize(RgbImage image, ImagePreprocessing preprocessing)
    {
        var chw = new float[3 * image.Width * image.Height];
        Normalize(image, preprocessing, chw);
        return chw;
    }
}
