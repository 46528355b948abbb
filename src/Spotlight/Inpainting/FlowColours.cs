namespace Spotlight.Inpainting;

/// <summary>
/// The optical-flow colour code of the Middlebury benchmark (Baker et al., "A Database and Evaluation Methodology
/// for Optical Flow", 2007/2011), which DeepFill uses to show where attention copied from: the hue gives the direction
/// of the offset and the saturation its length (white = no offset).
/// </summary>
public static class FlowColours
{
    // Transitions red→yellow→green→cyan→blue→magenta→red, with these many steps each (the benchmark's choice).
    private static readonly int[] Segments = [15, 6, 4, 11, 13, 6];
    private static readonly (double R, double G, double B)[] Wheel = BuildWheel();

    private static (double, double, double)[] BuildWheel()
    {
        var (ry, yg, gc, cb, bm, mr) = (Segments[0], Segments[1], Segments[2], Segments[3], Segments[4], Segments[5]);
        var wheel = new List<(double, double, double)>();
        for (int i = 0; i < ry; i++) wheel.Add((1, (double)i / ry, 0));
        for (int i = 0; i < yg; i++) wheel.Add((1 - (double)i / yg, 1, 0));
        for (int i = 0; i < gc; i++) wheel.Add((0, 1, (double)i / gc));
        for (int i = 0; i < cb; i++) wheel.Add((0, 1 - (double)i / cb, 1));
        for (int i = 0; i < bm; i++) wheel.Add(((double)i / bm, 0, 1));
        for (int i = 0; i < mr; i++) wheel.Add((1, 0, 1 - (double)i / mr));
        return wheel.ToArray();
    }

    /// <summary>Colour of offset (u, v) already divided by the largest offset length, so |(u, v)| ≤ 1.</summary>
    public static (byte R, byte G, byte B) Colour(double u, double v)
    {
        double radius = Math.Sqrt(u * u + v * v);
        double angle = Math.Atan2(-v, -u) / Math.PI;                 // (−1, 1]
        double position = (angle + 1) / 2 * (Wheel.Length - 1);
        int k0 = (int)Math.Floor(position), k1 = (k0 + 1) % Wheel.Length;
        double f = position - k0;
        var (a, b) = (Wheel[k0], Wheel[k1]);
        byte Channel(double c0, double c1)
        {
            double c = (1 - f) * c0 + f * c1;
            c = radius <= 1 ? 1 - radius * (1 - c) : c * 0.75;        // towards white near zero; darker when out of range
            return (byte)Math.Round(255 * c);
        }
        return (Channel(a.R, b.R), Channel(a.G, b.G), Channel(a.B, b.B));
    }
}
