namespace Spotlight.Captioning.Data.Synthetic;

/// <summary>The background of a scene: a desaturated base colour, and for gradients a second one.</summary>
internal sealed record BackgroundStyle(BackgroundKind Kind, (byte R, byte G, byte B) From, (byte R, byte G, byte B) To, double Angle);

/// <summary>
/// Draws a scene's layout from a generator: 1–3 objects (sometimes sharing colour and shape, so that captions can
/// count), each small or large, placed anywhere with at least <see cref="Gap"/> pixels between boxes.
/// All draws come from one generator in a fixed order, so a scene depends only on its seed.
/// </summary>
internal static class SceneSampler
{
    public const double SharedTypeProbability = 0.3;
    private const int MaxAttemptsPerObject = 200;

    public static int Gap(int size) => Math.Max(2, size / 32);

    public static (BackgroundStyle Background, SceneObject[] Objects) Sample(SeededRandom rng, int size) => Sample(rng, size, 1, 3);

    /// <summary>A scene of <paramref name="minObjects"/>–<paramref name="maxObjects"/> objects (captions use 1–3, VQA more).</summary>
    public static (BackgroundStyle Background, SceneObject[] Objects) Sample(SeededRandom rng, int size, int minObjects, int maxObjects)
    {
        var background = SampleBackground(rng);
        while (true)
        {
            var objects = TryPlace(rng, size, minObjects, maxObjects);
            if (objects is not null) return (background, objects);
        }
    }

    private static SceneObject[]? TryPlace(SeededRandom rng, int size, int minObjects, int maxObjects)
    {
        int count = rng.Next(minObjects, maxObjects);
        var types = new (ShapeKind Shape, ObjectColour Colour)[count];
        for (int i = 0; i < count; i++)
            types[i] = ((ShapeKind)rng.Next(6), (ObjectColour)rng.Next(6));
        if (count >= 2 && rng.NextDouble() < SharedTypeProbability)
        {
            // Two objects (or, half the time, three or more) share shape and colour: "two red squares". Three-object
            // scenes draw exactly as before more objects were allowed, so captioning sets stay byte-identical.
            int shared = count >= 3 && rng.NextBool() ? (count == 3 ? 3 : rng.Next(3, count)) : 2;
            for (int i = 1; i < shared; i++) types[i] = types[0];
        }

        var objects = new List<SceneObject>();
        foreach (var (shape, colour) in types)
        {
            var sizeClass = rng.NextBool() ? SizeClass.Large : SizeClass.Small;
            int side = (int)Math.Round(size * (sizeClass == SizeClass.Small ? rng.NextDouble(0.16, 0.20) : rng.NextDouble(0.30, 0.36)));
            PixelBox? placed = null;
            for (int attempt = 0; attempt < MaxAttemptsPerObject && placed is null; attempt++)
            {
                var box = new PixelBox(rng.Next(1, size - 1 - side), rng.Next(1, size - 1 - side), side, side);
                if (!objects.Any(o => o.Box.Overlaps(box, Gap(size)))) placed = box;
            }
            if (placed is null) return null;   // crowded: start the layout again
            objects.Add(new SceneObject(shape, colour, sizeClass, placed.Value));
        }
        return [.. objects];
    }

    private static BackgroundStyle SampleBackground(SeededRandom rng)
    {
        var kind = (BackgroundKind)rng.Next(3);
        // Low saturation (channels within ±12 of a grey level) keeps the saturated objects the most salient thing.
        int level = rng.Next(70, 190);
        var from = Tint(rng, level);
        int shift = (rng.NextBool() ? 1 : -1) * rng.Next(25, 45);
        var to = Tint(rng, Math.Clamp(level + shift, 40, 220));
        return new BackgroundStyle(kind, from, to, rng.NextDouble(0, 2 * Math.PI));
    }

    private static (byte, byte, byte) Tint(SeededRandom rng, int level) =>
        ((byte)(level + rng.Next(-12, 12)), (byte)(level + rng.Next(-12, 12)), (byte)(level + rng.Next(-12, 12)));
}
