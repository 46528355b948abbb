namespace Spotlight.Vision;

/// <summary>
/// Viridis (the matplotlib default, perceptually uniform and readable in greyscale), approximated by linear
/// interpolation between nine of its published stops. The one colormap: PNG overlays use it, and pages draw with a
/// table made from it (<see cref="Reports.ColormapScript"/>).
/// </summary>
public static class Colormap
{
    private static readonly (byte R, byte G, byte B)[] Stops =
    [
        (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (110, 206, 88), (253, 231, 37),
    ];

    /// <summary>Colour for t in [0,1] (clamped; NaN counts as 0).</summary>
    public static (byte R, byte G, byte B) Viridis(float t)
    {
        if (float.IsNaN(t)) t = 0;
        t = Math.Clamp(t, 0f, 1f) * (Stops.Length - 1);
        int i = Math.Min((int)t, Stops.Length - 2);
        float f = t - i;
        var (a, b) = (Stops[i], Stops[i + 1]);
        return (Lerp(a.R, b.R, f), Lerp(a.G, b.G, f), Lerp(a.B, b.B, f));
    }

    private static byte Lerp(byte a, byte b, float f) => (byte)MathF.Round(a + (b - a) * f);
}
