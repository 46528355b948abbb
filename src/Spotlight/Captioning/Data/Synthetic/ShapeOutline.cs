namespace Spotlight.Captioning.Data.Synthetic;

/// <summary>
/// Shape outlines as polygons in the unit square, each touching all four sides, so a drawn shape spans its box
/// exactly and the box in objects.json is tight. All are mirror-symmetric about the vertical axis, which is what
/// makes a horizontal flip (with left/right swapped in the caption) a valid augmentation.
/// </summary>
internal static class ShapeOutline
{
    private const double Third = 1.0 / 3, TwoThirds = 2.0 / 3;

    public static (float X, float Y)[] UnitPolygon(ShapeKind shape) => shape switch
    {
        ShapeKind.Square => [(0, 0), (1, 0), (1, 1), (0, 1)],
        ShapeKind.Triangle => [(0.5f, 0), (1, 1), (0, 1)],
        ShapeKind.Diamond => [(0.5f, 0), (1, 0.5f), (0.5f, 1), (0, 0.5f)],
        ShapeKind.Cross => Points(
            (Third, 0), (TwoThirds, 0), (TwoThirds, Third), (1, Third), (1, TwoThirds), (TwoThirds, TwoThirds),
            (TwoThirds, 1), (Third, 1), (Third, TwoThirds), (0, TwoThirds), (0, Third), (Third, Third)),
        ShapeKind.Star => Star(),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), $"{shape} is drawn as an oval, not a polygon"),
    };

    /// <summary>Five points up; inner radius 0.45 of the outer (fatter than the geometric 0.382, so small stars read).</summary>
    private static (float X, float Y)[] Star()
    {
        var raw = new (double X, double Y)[10];
        for (int k = 0; k < 10; k++)
        {
            double angle = -Math.PI / 2 + k * Math.PI / 5, radius = k % 2 == 0 ? 1 : 0.45;
            raw[k] = (radius * Math.Cos(angle), radius * Math.Sin(angle));
        }
        double minX = raw.Min(p => p.X), maxX = raw.Max(p => p.X), minY = raw.Min(p => p.Y), maxY = raw.Max(p => p.Y);
        return [.. raw.Select(p => ((float)((p.X - minX) / (maxX - minX)), (float)((p.Y - minY) / (maxY - minY))))];
    }

    private static (float X, float Y)[] Points(params (double X, double Y)[] points) =>
        [.. points.Select(p => ((float)p.X, (float)p.Y))];
}
