namespace Spotlight.Vision;

/// <summary>
/// Antialiased bilinear resizing of RGB bytes: a triangle filter whose support widens with the shrink factor, so
/// every source pixel contributes when shrinking (as Pillow's BILINEAR and torchvision's Resize(antialias=True) do).
/// Separable: rows first, then columns. Pure C#, so the result is identical on every machine.
/// </summary>
public static class Resampler
{
    public static RgbImage Resize(RgbImage source, int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), "target size must be positive");
        if (width == source.Width && height == source.Height) return source with { Data = (byte[])source.Data.Clone() };

        var horizontal = Weights(source.Width, width);
        var vertical = Weights(source.Height, height);
        var rows = new float[source.Height * width * 3];           // (source height, width, 3)
        for (int y = 0; y < source.Height; y++)
        {
            var srcRow = source.Data.AsSpan(y * source.Width * 3, source.Width * 3);
            var dstRow = rows.AsSpan(y * width * 3, width * 3);
            for (int x = 0; x < width; x++)
            {
                var (start, w) = horizontal[x];
                float r = 0, g = 0, b = 0;
                for (int k = 0; k < w.Length; k++)
                {
                    int s = (start + k) * 3;
                    r += w[k] * srcRow[s];
                    g += w[k] * srcRow[s + 1];
                    b += w[k] * srcRow[s + 2];
                }
                dstRow[x * 3] = r;
                dstRow[x * 3 + 1] = g;
                dstRow[x * 3 + 2] = b;
            }
        }

        var result = new byte[height * width * 3];
        int stride = width * 3;
        for (int y = 0; y < height; y++)
        {
            var (start, w) = vertical[y];
            for (int i = 0; i < stride; i++)
            {
                float v = 0;
                for (int k = 0; k < w.Length; k++) v += w[k] * rows[(start + k) * stride + i];
                result[y * stride + i] = (byte)Math.Clamp(MathF.Round(v), 0f, 255f);
            }
        }
        return new RgbImage(width, height, result);
    }

    /// <summary>For each output index: the first source index and the normalised filter weights from there on.</summary>
    private static (int Start, float[] Weights)[] Weights(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);       // widen the triangle when shrinking
        double support = filterScale;                    // triangle radius 1, in source pixels
        var table = new (int, float[])[outSize];
        for (int o = 0; o < outSize; o++)
        {
            double center = (o + 0.5) * scale;
            int start = Math.Max(0, (int)Math.Floor(center - support + 0.5));
            int end = Math.Min(inSize, (int)Math.Floor(center + support + 0.5));
            var w = new float[Math.Max(1, end - start)];
            double total = 0;
            for (int k = 0; k < end - start; k++)
            {
                double t = Math.Abs((start + k + 0.5 - center) / filterScale);
                double value = Math.Max(0, 1 - t);
                w[k] = (float)value;
                total += value;
            }
            if (total <= 0)
            {
                // Only when enlarging exactly between two pixels at an edge: copy the nearest one.
                start = Math.Clamp((int)center, 0, inSize - 1);
                w = [1f];
            }
            else
            {
                for (int k = 0; k < w.Length; k++) w[k] = (float)(w[k] / total);
            }
            table[o] = (start, w);
        }
        return table;
    }
}
