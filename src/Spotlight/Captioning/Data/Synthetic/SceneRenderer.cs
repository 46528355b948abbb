using SkiaSharp;

namespace Spotlight.Captioning.Data.Synthetic;

/// <summary>
/// Paints a scene with Skia: the background, then each object as an antialiased filled shape that exactly spans its
/// box. Colours are jittered a little around a saturated base so that colour names stay unambiguous.
/// </summary>
internal static class SceneRenderer
{
    public const int NoiseAmplitude = 14;
    private const int ColourJitter = 10;

    private static readonly Dictionary<ObjectColour, (int R, int G, int B)> BaseColours = new()
    {
        [ObjectColour.Red] = (215, 45, 45),
        [ObjectColour.Green] = (50, 165, 65),
        [ObjectColour.Blue] = (45, 85, 215),
        [ObjectColour.Yellow] = (235, 205, 45),
        [ObjectColour.Purple] = (140, 65, 185),
        [ObjectColour.Orange] = (240, 135, 35),
    };

    public static SKBitmap Render(int size, BackgroundStyle background, IReadOnlyList<SceneObject> objects, SeededRandom rng)
    {
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        PaintBackground(bitmap, background, rng);
        using var canvas = new SKCanvas(bitmap);
        foreach (var o in objects)
        {
            var (r, g, b) = BaseColours[o.Colour];
            var colour = new SKColor(Jitter(rng, r), Jitter(rng, g), Jitter(rng, b));
            using var paint = new SKPaint { Color = colour, IsAntialias = true, Style = SKPaintStyle.Fill };
            var rect = new SKRect(o.Box.X, o.Box.Y, o.Box.X + o.Box.W, o.Box.Y + o.Box.H);
            if (o.Shape == ShapeKind.Circle)
            {
                canvas.DrawOval(rect, paint);
                continue;
            }
            using var path = new SKPath();
            var points = ShapeOutline.UnitPolygon(o.Shape);
            path.MoveTo(rect.Left + points[0].X * rect.Width, rect.Top + points[0].Y * rect.Height);
            foreach (var p in points.Skip(1)) path.LineTo(rect.Left + p.X * rect.Width, rect.Top + p.Y * rect.Height);
            path.Close();
            canvas.DrawPath(path, paint);
        }
        canvas.Flush();
        return bitmap;
    }

    private static byte Jitter(SeededRandom rng, int value) => (byte)Math.Clamp(value + rng.Next(-ColourJitter, ColourJitter), 0, 255);

    private static void PaintBackground(SKBitmap bitmap, BackgroundStyle style, SeededRandom rng)
    {
        var (r, g, b) = style.From;
        if (style.Kind == BackgroundKind.Gradient)
        {
            using var canvas = new SKCanvas(bitmap);
            float half = bitmap.Width / 2f, dx = (float)Math.Cos(style.Angle) * half, dy = (float)Math.Sin(style.Angle) * half;
            using var shader = SKShader.CreateLinearGradient(
                new SKPoint(half - dx, half - dy), new SKPoint(half + dx, half + dy),
                [new SKColor(r, g, b), new SKColor(style.To.R, style.To.G, style.To.B)], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader, IsDither = false };
            canvas.DrawRect(0, 0, bitmap.Width, bitmap.Height, paint);
            return;
        }
        var pixels = bitmap.GetPixelSpan();
        for (int p = 0; p < pixels.Length; p += 4)
        {
            // Grey noise: one offset for all three channels, so it adds texture but no colour.
            int n = style.Kind == BackgroundKind.Noise ? rng.Next(-NoiseAmplitude, NoiseAmplitude) : 0;
            pixels[p] = (byte)Math.Clamp(r + n, 0, 255);
            pixels[p + 1] = (byte)Math.Clamp(g + n, 0, 255);
            pixels[p + 2] = (byte)Math.Clamp(b + n, 0, 255);
            pixels[p + 3] = 255;
        }
    }
}
