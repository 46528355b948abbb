using Spotlight.Captioning.Data;
using Spotlight.Vision;

namespace Spotlight.Inpainting;

public enum TextureKind { Stripes, Checkers, Tiles, Shapes }

/// <summary>
/// Repetitive images whose missing part exists elsewhere in the same image: stripes at any angle, checkerboards,
/// a random small tile repeated, and a lattice of shapes, each with its own colours and per-pixel noise. A method
/// that copies from the known region (attention) can fill them almost exactly; one that smooths inward (Telea,
/// Navier–Stokes, a plain U-Net that has to memorise) cannot. Image i is a pure function of (seed, i).
/// </summary>
public static class SyntheticTextures
{
    public static RgbImage Render(int size, long seed, long index)
    {
        var rng = SeededRandom.Derive(seed, 0x7E, index);
        var kind = (TextureKind)(index % 4);
        var a = RandomColour(rng);
        var b = Contrasting(a, rng);
        var pixels = new byte[size * size * 3];
        Func<int, int, bool> pick = kind switch
        {
            TextureKind.Stripes => Stripes(rng),
            TextureKind.Checkers => Checkers(rng),
            TextureKind.Tiles => Tile(rng),
            _ => Shapes(rng),
        };
        double noise = rng.NextDouble(0, 10);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var c = pick(x, y) ? b : a;
                for (int ch = 0; ch < 3; ch++)
                {
                    double n = (rng.NextDouble() * 2 - 1) * noise;
                    pixels[(y * size + x) * 3 + ch] = (byte)Math.Clamp(Math.Round(c[ch] + n), 0, 255);
                }
            }
        return new RgbImage(size, size, pixels);
    }

    /// <summary>Two-colour stripes: a period of 5–14 px, a duty of 30–70 %, an angle from 0 to π.</summary>
    private static Func<int, int, bool> Stripes(SeededRandom rng)
    {
        double period = rng.NextDouble(5, 14), duty = rng.NextDouble(0.3, 0.7), angle = rng.NextDouble(0, Math.PI);
        double phase = rng.NextDouble(0, period), cos = Math.Cos(angle), sin = Math.Sin(angle);
        return (x, y) =>
        {
            double t = (x * cos + y * sin + phase) % period;
            if (t < 0) t += period;
            return t < duty * period;
        };
    }

    private static Func<int, int, bool> Checkers(SeededRandom rng)
    {
        int cell = rng.Next(3, 10), ox = rng.Next(0, cell - 1), oy = rng.Next(0, cell - 1);
        return (x, y) => ((x + ox) / cell + (y + oy) / cell) % 2 == 1;
    }

    /// <summary>A random binary tile of 4–10 px a side (about half set), repeated.</summary>
    private static Func<int, int, bool> Tile(SeededRandom rng)
    {
        int w = rng.Next(4, 10), h = rng.Next(4, 10);
        var tile = new bool[w * h];
        for (int i = 0; i < tile.Length; i++) tile[i] = rng.NextBool();
        return (x, y) => tile[(y % h) * w + x % w];
    }

    /// <summary>A lattice of discs, squares or diamonds, period 8–16 px.</summary>
    private static Func<int, int, bool> Shapes(SeededRandom rng)
    {
        int period = rng.Next(8, 16), shape = rng.Next(3), ox = rng.Next(0, period - 1), oy = rng.Next(0, period - 1);
        double r = period * rng.NextDouble(0.25, 0.4);
        return (x, y) =>
        {
            double dx = (x + ox) % period - period / 2.0 + 0.5, dy = (y + oy) % period - period / 2.0 + 0.5;
            return shape switch
            {
                0 => dx * dx + dy * dy <= r * r,
                1 => Math.Abs(dx) <= r && Math.Abs(dy) <= r,
                _ => Math.Abs(dx) + Math.Abs(dy) <= r * 1.3,
            };
        };
    }

    private static int[] RandomColour(SeededRandom rng) => [rng.Next(0, 255), rng.Next(0, 255), rng.Next(0, 255)];

    /// <summary>A second colour at least 120 away (sum over channels), so the pattern is always visible.</summary>
    private static int[] Contrasting(int[] a, SeededRandom rng)
    {
        while (true)
        {
            var b = RandomColour(rng);
            if (Math.Abs(a[0] - b[0]) + Math.Abs(a[1] - b[1]) + Math.Abs(a[2] - b[2]) >= 120) return b;
        }
    }
}
