using Spotlight.Captioning.Data;

namespace Spotlight.Inpainting;

public enum MaskFamily
{
    /// <summary>The central square of half the side: 25 % of the area (Context Encoders, PEN-Net's centre setting).</summary>
    Centre,
    /// <summary>One to three axis-aligned rectangles at random places.</summary>
    Boxes,
    /// <summary>Free-form brush strokes drawn until the hole ratio falls into a chosen <see cref="MaskBin"/>.</summary>
    Strokes,
}

/// <summary>
/// Masks that are a pure function of (family, size, seed, index): the same arguments give the same pixels on every
/// machine, so evaluation sets can be regenerated instead of stored.
/// </summary>
public static class MaskGenerator
{
    public static HoleMask Generate(MaskFamily family, int size, long seed, long index) => family switch
    {
        MaskFamily.Centre => Centre(size),
        MaskFamily.Boxes => Boxes(size, SeededRandom.Derive(seed, 0xB0, index)),
        MaskFamily.Strokes => StrokeMasks.Draw(size, MaskBin.All[(int)(index % MaskBin.All.Count)], SeededRandom.Derive(seed, 0x57, index)),
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    public static HoleMask Centre(int size)
    {
        int side = size / 2, start = (size - side) / 2;
        return HoleMask.Box(size, size, start, start, side, side);
    }

    /// <summary>1–3 rectangles, each side between 1/8 and 1/2 of the image, together at most 60 % of it.</summary>
    public static HoleMask Boxes(int size, SeededRandom rng)
    {
        while (true)
        {
            var pixels = new bool[size * size];
            int count = rng.Next(1, 3);
            for (int b = 0; b < count; b++)
            {
                int w = rng.Next(Math.Max(1, size / 8), size / 2), h = rng.Next(Math.Max(1, size / 8), size / 2);
                int x = rng.Next(0, size - w), y = rng.Next(0, size - h);
                for (int yy = y; yy < y + h; yy++)
                    for (int xx = x; xx < x + w; xx++) pixels[yy * size + xx] = true;
            }
            var mask = new HoleMask(size, size, pixels);
            if (mask.Ratio <= 0.6) return mask;
        }
    }

    /// <summary>Parses "centre", "boxes", "strokes" (and "center"), comma-separated.</summary>
    public static IReadOnlyList<MaskFamily> ParseFamilies(string text)
    {
        var families = new List<MaskFamily>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            families.Add(part.ToLowerInvariant() switch
            {
                "centre" or "center" => MaskFamily.Centre,
                "boxes" or "box" => MaskFamily.Boxes,
                "strokes" or "stroke" or "free-form" => MaskFamily.Strokes,
                _ => throw new SpotlightException($"unknown mask family '{part}' (use centre, boxes or strokes)"),
            });
        if (families.Count == 0) throw new SpotlightException("--masks names no mask family (use centre, boxes or strokes)");
        return families;
    }
}
