namespace Spotlight.Captioning.Data.Synthetic;

// The lowercase enum names are the words used in captions and in objects.json.

public enum ShapeKind { Circle, Square, Triangle, Star, Cross, Diamond }

public enum ObjectColour { Red, Green, Blue, Yellow, Purple, Orange }

public enum SizeClass { Small, Large }

public enum BackgroundKind { Flat, Gradient, Noise }

/// <summary>An axis-aligned box in pixels: left, top, width, height (COCO's bbox order).</summary>
public readonly record struct PixelBox(int X, int Y, int W, int H)
{
    public double CenterX => X + W / 2.0;
    public double CenterY => Y + H / 2.0;

    /// <summary>True when the boxes come closer than <paramref name="gap"/> pixels on both axes.</summary>
    public bool Overlaps(PixelBox other, int gap) =>
        X < other.X + other.W + gap && other.X < X + W + gap && Y < other.Y + other.H + gap && other.Y < Y + H + gap;
}

public sealed record SceneObject(ShapeKind Shape, ObjectColour Colour, SizeClass Size, PixelBox Box);

/// <summary>One generated image: what objects.json records for it.</summary>
public sealed record SyntheticScene(
    string ImageId, string FileName, int Width, int Height, BackgroundKind Background, IReadOnlyList<SceneObject> Objects);

public static class SceneWords
{
    public static string Word(ShapeKind shape) => shape.ToString().ToLowerInvariant();
    public static string Word(ObjectColour colour) => colour.ToString().ToLowerInvariant();
    public static string Word(SizeClass size) => size.ToString().ToLowerInvariant();
    public static string Word(BackgroundKind background) => background.ToString().ToLowerInvariant();

    public static string Plural(ShapeKind shape) => shape == ShapeKind.Cross ? "crosses" : Word(shape) + "s";
}
