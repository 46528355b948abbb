using SkiaSharp;

namespace Spotlight.Vision;

/// <summary>How attention weights are drawn over an image.</summary>
/// <param name="Opacity">Weight of the heatmap colour in the blend; 0 shows only the image.</param>
/// <param name="ScaleToMax">Divide weights by their maximum so the strongest region is always the top colour;
/// otherwise weights are drawn as they are (a softmax over many regions is then nearly invisible).</param>
public sealed record AttentionOverlayOptions(float Opacity = 0.6f, bool ScaleToMax = true);

/// <summary>
/// Draws a (gridH × gridW) attention map over an image, as in Xu et al. 2015, Fig. 2–3: the weights are bilinearly
/// upsampled to the image (sample positions at pixel centres, edges clamped), coloured with viridis, and
/// alpha-blended: out = (1 − opacity)·image + opacity·colour.
/// </summary>
public static class AttentionOverlay
{
    public static SKBitmap Render(SKBitmap image, float[] weights, int gridH, int gridW, AttentionOverlayOptions? options = null)
    {
        options ??= new AttentionOverlayOptions();
        if (gridH < 1 || gridW < 1 || weights.Length != gridH * gridW)
            throw new ArgumentException($"expected {gridH}x{gridW} = {gridH * gridW} weights, got {weights.Length}", nameof(weights));
        if (options.Opacity is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), "opacity must be in [0,1]");

        float max = weights.Where(float.IsFinite).DefaultIfEmpty(0f).Max();
        float scale = options.ScaleToMax && max > 0 ? 1f / max : 1f;
        var rgba = PixelOps.ReadRgba(image);
        PixelOps.CompositeOver(rgba, ImageDecoder.TransparentBackground);
        int w = image.Width, h = image.Height;
        for (int y = 0; y < h; y++)
        {
            float gy = Math.Clamp((y + 0.5f) * gridH / h - 0.5f, 0f, gridH - 1);
            int y0 = (int)gy, y1 = Math.Min(y0 + 1, gridH - 1);
            float fy = gy - y0;
            for (int x = 0; x < w; x++)
            {
                float gx = Math.Clamp((x + 0.5f) * gridW / w - 0.5f, 0f, gridW - 1);
                int x0 = (int)gx, x1 = Math.Min(x0 + 1, gridW - 1);
                float fx = gx - x0;
                float top = weights[y0 * gridW + x0] * (1 - fx) + weights[y0 * gridW + x1] * fx;
                float bottom = weights[y1 * gridW + x0] * (1 - fx) + weights[y1 * gridW + x1] * fx;
                var (r, g, b) = Colormap.Viridis((top * (1 - fy) + bottom * fy) * scale);
                int p = (y * w + x) * 4;
                rgba[p] = Blend(rgba[p], r, options.Opacity);
                rgba[p + 1] = Blend(rgba[p + 1], g, options.Opacity);
                rgba[p + 2] = Blend(rgba[p + 2], b, options.Opacity);
            }
        }
        return PixelOps.ToBitmap(rgba, w, h);
    }

    private static byte Blend(byte image, byte colour, float opacity) =>
        (byte)MathF.Round(image * (1 - opacity) + colour * opacity);
}
