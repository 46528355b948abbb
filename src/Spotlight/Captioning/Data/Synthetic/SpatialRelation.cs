namespace Spotlight.Captioning.Data.Synthetic;

public enum Relation { LeftOf, RightOf, Above, Below }

public enum Position { Left, Right, Top, Bottom, Middle }

/// <summary>
/// When a spatial word is true. Between two objects the relation is read from their box centres along the axis with
/// the larger offset, and only when that offset is at least <see cref="MarginFraction"/> of the image side and beats
/// the other axis by that much; near-diagonal pairs get no relation rather than a doubtful one.
/// </summary>
public static class SpatialRelation
{
    public const double MarginFraction = 0.05;

    /// <summary>Where <paramref name="a"/> is relative to <paramref name="b"/>, or null when not clear.</summary>
    public static Relation? Between(PixelBox a, PixelBox b, int imageSize)
    {
        double margin = MarginFraction * imageSize;
        double dx = a.CenterX - b.CenterX, dy = a.CenterY - b.CenterY;
        double major = Math.Max(Math.Abs(dx), Math.Abs(dy)), minor = Math.Min(Math.Abs(dx), Math.Abs(dy));
        if (major < margin || major - minor < margin) return null;
        if (Math.Abs(dx) > Math.Abs(dy)) return dx < 0 ? Relation.LeftOf : Relation.RightOf;
        return dy < 0 ? Relation.Above : Relation.Below;   // image y grows downwards
    }

    public static Relation Inverse(Relation r) => r switch
    {
        Relation.LeftOf => Relation.RightOf,
        Relation.RightOf => Relation.LeftOf,
        Relation.Above => Relation.Below,
        _ => Relation.Above,
    };

    /// <summary>
    /// Where a lone object sits in the frame: left/right when its centre is in the outer 35% horizontally,
    /// top/bottom likewise vertically, middle when within 10% of the centre on both axes.
    /// </summary>
    public static IReadOnlyList<Position> PositionsOf(PixelBox box, int width, int height)
    {
        double x = box.CenterX / width, y = box.CenterY / height;
        var result = new List<Position>();
        if (x < 0.35) result.Add(Position.Left);
        if (x > 0.65) result.Add(Position.Right);
        if (y < 0.35) result.Add(Position.Top);
        if (y > 0.65) result.Add(Position.Bottom);
        if (Math.Abs(x - 0.5) < 0.1 && Math.Abs(y - 0.5) < 0.1) result.Add(Position.Middle);
        return result;
    }
}
