using Spotlight.Captioning.Data;

namespace Spotlight.Inpainting;

/// <summary>
/// Free-form masks in the manner of DeepFill v2 (Yu et al. 2019, Algorithm 1): strokes of 4–12 connected segments
/// at random angles, drawn with a round brush. Strokes are added until the hole ratio reaches the bin; a mask that
/// overshoots the bin is thrown away and drawing starts again, so every mask lands inside its bin.
/// </summary>
public static class StrokeMasks
{
    private const int MaxAttempts = 1000;

    public static HoleMask Draw(int size, MaskBin bin, SeededRandom rng)
    {
        // Thin brushes for small bins, so that a single stroke does not overshoot 10 %.
        double scale = bin.Upper <= 10 ? 0.5 : bin.Upper <= 30 ? 0.8 : 1.0;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var pixels = new bool[size * size];
            int holes = 0;
            while (holes * 100.0 / pixels.Length < bin.Lower)
                holes = Stroke(pixels, size, rng, scale);
            if (holes * 100.0 / pixels.Length < bin.Upper) return new HoleMask(size, size, pixels);
        }
        throw new InvalidOperationException($"no stroke mask in {bin} after {MaxAttempts} attempts at size {size}");
    }

    /// <summary>Draws one stroke into <paramref name="pixels"/> and returns the hole count.</summary>
    private static int Stroke(bool[] pixels, int size, SeededRandom rng, double scale)
    {
        int vertices = rng.Next(4, 12);
        double radius = Math.Max(0.75, scale * rng.NextDouble(size / 40.0, size / 14.0));
        double maxLength = size / 5.0;
        double x = rng.NextDouble(0, size), y = rng.NextDouble(0, size);
        double angle = rng.NextDouble(0, 2 * Math.PI);
        for (int v = 0; v < vertices; v++)
        {
            angle += rng.NextDouble(-Math.PI / 3, Math.PI / 3);
            double length = rng.NextDouble(size / 16.0, maxLength);
            double nx = Math.Clamp(x + length * Math.Cos(angle), 0, size - 1), ny = Math.Clamp(y + length * Math.Sin(angle), 0, size - 1);
            Segment(pixels, size, x, y, nx, ny, radius);
            (x, y) = (nx, ny);
        }
        return pixels.Count(p => p);
    }

    /// <summary>Marks every pixel whose centre lies within <paramref name="radius"/> of the segment.</summary>
    private static void Segment(bool[] pixels, int size, double x0, double y0, double x1, double y1, double radius)
    {
        int left = Math.Max(0, (int)Math.Floor(Math.Min(x0, x1) - radius)), right = Math.Min(size - 1, (int)Math.Ceiling(Math.Max(x0, x1) + radius));
        int top = Math.Max(0, (int)Math.Floor(Math.Min(y0, y1) - radius)), bottom = Math.Min(size - 1, (int)Math.Ceiling(Math.Max(y0, y1) + radius));
        double dx = x1 - x0, dy = y1 - y0, lengthSquared = dx * dx + dy * dy;
        for (int py = top; py <= bottom; py++)
            for (int px = left; px <= right; px++)
            {
                double cx = px + 0.5, cy = py + 0.5;
                double t = lengthSquared == 0 ? 0 : Math.Clamp(((cx - x0) * dx + (cy - y0) * dy) / lengthSquared, 0, 1);
                double ex = x0 + t * dx - cx, ey = y0 + t * dy - cy;
                if (ex * ex + ey * ey <= radius * radius) pixels[py * size + px] = true;
            }
    }
}
