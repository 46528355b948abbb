using Spotlight.Vision;

namespace Spotlight.Inpainting;

/// <summary>The three numbers of the evaluation table for one filled image.</summary>
public sealed record QualityScores(double HoleMae100, double Psnr, double Ssim);

/// <summary>
/// Inpainting metrics on 8-bit images read as values in [0, 1]: hole-only mean absolute error × 100 (over hole
/// pixels and channels), and PSNR and SSIM over the whole composited image.
/// </summary>
public static class ImageQuality
{
    /// <summary>PSNR of identical images; reported instead of +∞ so that means stay finite.</summary>
    public const double IdenticalPsnr = 100;

    public static QualityScores Score(RgbImage filled, RgbImage truth, HoleMask hole, SsimOptions? ssim = null)
    {
        Check(filled, truth, hole);
        var a = Planes(filled);
        var b = Planes(truth);
        return new QualityScores(HoleMae100(a, b, hole), Psnr(a, b), Ssim.Compute(a, b, 3, truth.Height, truth.Width, ssim));
    }

    /// <summary>100 · mean |a − b| over the hole's pixels and all channels.</summary>
    public static double HoleMae100(float[] a, float[] b, HoleMask hole)
    {
        int plane = hole.Width * hole.Height;
        var pixels = hole.Pixels;
        double sum = 0;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++)
                if (pixels[i]) sum += Math.Abs(a[c * plane + i] - b[c * plane + i]);
        return 100 * sum / (3.0 * Math.Max(1, hole.HoleCount));
    }

    /// <summary>10 · log10(1 / MSE) over every pixel and channel (peak value 1).</summary>
    public static double Psnr(float[] a, float[] b)
    {
        double mse = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            mse += d * d;
        }
        mse /= a.Length;
        return mse == 0 ? IdenticalPsnr : 10 * Math.Log10(1 / mse);
    }

    /// <summary>RGB bytes to (3, H, W) floats in [0, 1].</summary>
    public static float[] Planes(RgbImage image)
    {
        int plane = image.Width * image.Height;
        var result = new float[3 * plane];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) result[c * plane + i] = image.Data[3 * i + c] / 255f;
        return result;
    }

    private static void Check(RgbImage filled, RgbImage truth, HoleMask hole)
    {
        if (filled.Width != truth.Width || filled.Height != truth.Height || hole.Width != truth.Width || hole.Height != truth.Height)
            throw new ArgumentException($"sizes differ: filled {filled.Width}x{filled.Height}, truth {truth.Width}x{truth.Height}, mask {hole.Width}x{hole.Height}");
    }
}
