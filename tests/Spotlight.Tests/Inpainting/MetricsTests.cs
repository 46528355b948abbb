using Spotlight.Inpainting;
using Spotlight.Vision;

namespace Spotlight.Tests.Inpainting;

public sealed class MetricsTests
{
    private static float[] Constant(int n, float v) => Enumerable.Repeat(v, n).ToArray();

    [Fact]
    public void Psnr_of_an_error_of_one_tenth_everywhere_is_20_dB()
    {
        // MSE = 0.1² = 0.01, so PSNR = 10·log10(1 / 0.01) = 20.
        Assert.Equal(20.0, ImageQuality.Psnr(Constant(48, 0.5f), Constant(48, 0.6f)), 4);
    }

    [Fact]
    public void Psnr_of_one_pixel_off_by_full_range_in_100_values_is_20_dB()
    {
        var a = Constant(100, 0f);
        var b = Constant(100, 0f);
        b[17] = 1f;                                   // MSE = 1/100 → 20 dB
        Assert.Equal(20.0, ImageQuality.Psnr(a, b), 6);
    }

    [Fact]
    public void Ssim_of_identical_images_is_one()
    {
        var rng = new Random(1);
        var x = Enumerable.Range(0, 3 * 20 * 20).Select(_ => (float)rng.NextDouble()).ToArray();
        Assert.Equal(1.0, Ssim.Compute(x, x, 3, 20, 20), 10);
        Assert.Equal(1.0, Ssim.Compute(x, x, 3, 20, 20, new SsimOptions(Window: 11, Gaussian: false)), 10);
    }

    [Fact]
    public void Ssim_of_two_flat_images_is_the_luminance_term_alone()
    {
        // Flat images: σ = 0, so SSIM = (2·μx·μy + C1) / (μx² + μy² + C1) with C1 = 0.01².
        // μx = 0.2, μy = 0.6: (0.24 + 0.0001) / (0.04 + 0.36 + 0.0001) = 0.2401 / 0.4001 = 0.600099975...
        double ssim = Ssim.Compute(Constant(64, 0.2f), Constant(64, 0.6f), 1, 8, 8, new SsimOptions(Window: 7));
        Assert.Equal(0.2401 / 0.4001, ssim, 6);
    }

    [Fact]
    public void Ssim_with_a_uniform_window_covering_the_image_matches_hand_arithmetic()
    {
        // 3×3 image, one 3×3 uniform window (N = 9), sample covariances (÷ N−1 = 8) as scikit-image does:
        // x = 0,0,0, 0,0,0, 0,0,0.9 → μx = 0.1, Σ(x−μx)² = 8·0.01 + 0.64 = 0.72, σx² = 0.09
        // y = 0.9 at the same pixel and 0.45 at the first → μy = 0.15, Σ(y−μy)² = 0.09 + 7·0.0225 + 0.5625 = 0.81, σy² = 0.10125
        // Σ(x−μx)(y−μy) = (−0.1)(0.3) + 7·(−0.1)(−0.15) + (0.8)(0.75) = −0.03 + 0.105 + 0.6 = 0.675, σxy = 0.084375
        // SSIM = (2·0.1·0.15 + 1e−4)(2·0.084375 + 9e−4) / ((0.01 + 0.0225 + 1e−4)(0.09 + 0.10125 + 9e−4))
        var x = new float[9];
        var y = new float[9];
        x[8] = 0.9f; y[8] = 0.9f; y[0] = 0.45f;
        double expected = (0.03 + 1e-4) * (0.16875 + 9e-4) / ((0.0325 + 1e-4) * (0.19125 + 9e-4));
        Assert.Equal(expected, Ssim.Compute(x, y, 1, 3, 3, new SsimOptions(Window: 3, Gaussian: false)), 5);
    }

    [Fact]
    public void Ssim_matches_a_brute_force_gaussian_window_over_every_position()
    {
        var rng = new Random(4);
        int h = 12, w = 10;
        var x = Enumerable.Range(0, h * w).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = x.Select(v => Math.Clamp(v + (float)(rng.NextDouble() - 0.5) * 0.3f, 0f, 1f)).ToArray();
        const int win = 7;
        const double sigma = 1.5;
        var g = new double[win, win];
        double gs = 0;
        for (int i = 0; i < win; i++)
            for (int j = 0; j < win; j++) gs += g[i, j] = Math.Exp(-((i - 3) * (i - 3) + (j - 3) * (j - 3)) / (2 * sigma * sigma));
        double total = 0;
        int count = 0;
        for (int top = 0; top + win <= h; top++)
            for (int left = 0; left + win <= w; left++)
            {
                double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                for (int i = 0; i < win; i++)
                    for (int j = 0; j < win; j++)
                    {
                        double k = g[i, j] / gs, a = x[(top + i) * w + left + j], b = y[(top + i) * w + left + j];
                        mx += k * a; my += k * b; xx += k * a * a; yy += k * b * b; xy += k * a * b;
                    }
                double vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my;
                total += (2 * mx * my + 1e-4) * (2 * cxy + 9e-4) / ((mx * mx + my * my + 1e-4) * (vx + vy + 9e-4));
                count++;
            }
        Assert.Equal(total / count, Ssim.Compute(x, y, 1, h, w), 9);
    }

    [Fact]
    public void Hole_mae_counts_only_hole_pixels_times_100()
    {
        var truth = new RgbImage(2, 2, new byte[12]);
        var filled = new RgbImage(2, 2, [255, 255, 255, 51, 51, 51, 0, 0, 0, 0, 0, 0]);
        var hole = new HoleMask(2, 2, [false, true, false, false]);
        // Only pixel 1 is scored: |0.2 − 0| on every channel → 0.2 · 100 = 20; pixel 0's error of 1 is ignored.
        var scores = ImageQuality.Score(filled, truth, hole, new SsimOptions(Window: 1));
        Assert.Equal(20.0, scores.HoleMae100, 6);
    }

    [Fact]
    public void A_window_larger_than_the_image_is_refused_with_a_clear_message()
    {
        var e = Assert.Throws<SpotlightException>(() => Ssim.Compute(new float[100], new float[100], 1, 10, 10, SsimOptions.PenNet));
        Assert.Contains("window 51", e.Message);
    }
}
