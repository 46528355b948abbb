using static TorchSharp.torch;

namespace Spotlight.Inpainting;

/// <summary>Which pixels are missing: row-major, true = hole. Immutable once made.</summary>
public sealed class HoleMask
{
    private readonly bool[] hole;

    public HoleMask(int width, int height, bool[] hole)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), "mask size must be positive");
        if (hole.Length != width * height) throw new ArgumentException($"expected {width * height} pixels, got {hole.Length}", nameof(hole));
        Width = width;
        Height = height;
        this.hole = hole;
        HoleCount = hole.Count(h => h);
    }

    public int Width { get; }
    public int Height { get; }
    public int HoleCount { get; }

    /// <summary>Fraction of pixels in the hole, in [0, 1].</summary>
    public double Ratio => (double)HoleCount / (Width * Height);

    public bool this[int x, int y] => hole[y * Width + x];

    public ReadOnlySpan<bool> Pixels => hole;

    /// <summary>A filled rectangle, clipped to the frame.</summary>
    public static HoleMask Box(int width, int height, int x, int y, int w, int h)
    {
        var pixels = new bool[width * height];
        for (int yy = Math.Max(0, y); yy < Math.Min(height, y + h); yy++)
            for (int xx = Math.Max(0, x); xx < Math.Min(width, x + w); xx++) pixels[yy * width + xx] = true;
        return new HoleMask(width, height, pixels);
    }

    /// <summary>(1, 1, H, W) float32, 1 = hole.</summary>
    public Tensor ToTensor()
    {
        var values = new float[hole.Length];
        for (int i = 0; i < values.Length; i++) values[i] = hole[i] ? 1f : 0f;
        return tensor(values, [1, 1, Height, Width]);
    }

    /// <summary>Refuses masks nothing can be learned from or done with: no hole, or no known pixel at all.</summary>
    public HoleMask EnsureUsable(string nameForErrors)
    {
        if (HoleCount == 0) throw new SpotlightException($"{nameForErrors}: the mask is empty (no hole pixel; white marks the hole)");
        if (HoleCount == hole.Length) throw new SpotlightException($"{nameForErrors}: the mask covers the whole image (nothing known to fill from)");
        return this;
    }
}
