namespace Spotlight.Inpainting;

/// <summary>
/// SSIM's local window. The default is Wang et al.'s Gaussian (σ = 1.5) cut to 7×7. <see cref="PenNet"/> is the 51×51
/// uniform window of scikit-image's <c>structural_similarity(..., win_size=51)</c> used in PEN-Net-style evaluation
/// scripts; with a uniform window scikit-image uses sample covariances (N / (N − 1)), and so do we.
/// </summary>
public sealed record SsimOptions(int Window = 7, bool Gaussian = true, double Sigma = 1.5, double K1 = 0.01, double K2 = 0.03)
{
    public static SsimOptions Default => new();
    public static SsimOptions PenNet => new(Window: 51, Gaussian: false);

    public string Describe() => Gaussian ? $"Gaussian σ={Sigma} {Window}×{Window}" : $"uniform {Window}×{Window}";
}

/// <summary>
/// Structural similarity (Wang, Bovik, Sheikh, Simoncelli, "Image Quality Assessment: From Error Visibility to
/// Structural Similarity", IEEE TIP 2004, eq. 13): for each window position
/// SSIM = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)), C1 = (K1 L)², C2 = (K2 L)², L = 1 for
/// values in [0, 1]; averaged over the positions where the window lies wholly inside the image (no padding), then
/// over the channels.
/// </summary>
public static class Ssim
{
    /// <summary>Planes of equal size, (channels, height, width) flattened, values in [0, 1].</summary>
    public static double Compute(float[] x, float[] y, int channels, int height, int width, SsimOptions? options = null)
    {
        options ??= SsimOptions.Default;
        int win = options.Window;
        if (x.Length != y.Length || x.Length != channels * height * width) throw new ArgumentException("images differ in size");
        if (win < 1 || win % 2 == 0) throw new SpotlightException($"SSIM window must be a positive odd number, got {win}");
        if (win > height || win > width) throw new SpotlightException($"SSIM window {win} is larger than the {width}x{height} image");
        var kernel = Kernel(options);
        double c1 = options.K1 * options.K1, c2 = options.K2 * options.K2;
        double covarianceScale = options.Gaussian ? 1.0 : (double)(win * win) / (win * win - 1);
        int plane = height * width;
        double total = 0;
        for (int c = 0; c < channels; c++)
        {
            var a = new ReadOnlySpan<float>(x, c * plane, plane);
            var b = new ReadOnlySpan<float>(y, c * plane, plane);
            var mx = Filter(a, a, height, width, kernel, false);
            var my = Filter(b, b, height, width, kernel, false);
            var xx = Filter(a, a, height, width, kernel, true);
            var yy = Filter(b, b, height, width, kernel, true);
            var xy = Filter(a, b, height, width, kernel, true);
            double sum = 0;
            for (int i = 0; i < mx.Length; i++)
            {
                double vx = (xx[i] - mx[i] * mx[i]) * covarianceScale;
                double vy = (yy[i] - my[i] * my[i]) * covarianceScale;
                double cxy = (xy[i] - mx[i] * my[i]) * covarianceScale;
                sum += (2 * mx[i] * my[i] + c1) * (2 * cxy + c2) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
            }
            total += sum / mx.Length;
        }
        return total / channels;
    }

    /// <summary>The normalised 1-D window; the 2-D window is its outer product with itself.</summary>
    public static double[] Kernel(SsimOptions options)
    {
        int win = options.Window, half = win / 2;
        var k = new double[win];
        for (int i = 0; i < win; i++)
            k[i] = options.Gaussian ? Math.Exp(-(double)(i - half) * (i - half) / (2 * options.Sigma * options.Sigma)) : 1.0;
        double s = k.Sum();
        for (int i = 0; i < win; i++) k[i] /= s;
        return k;
    }

    /// <summary>Separable weighted mean of a (or a·b when <paramref name="product"/>) over every valid window position.</summary>
    private static double[] Filter(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int height, int width, double[] k, bool product)
    {
        int win = k.Length, oh = height - win + 1, ow = width - win + 1;
        var rows = new double[height * ow];
        for (int yy = 0; yy < height; yy++)
            for (int xx = 0; xx < ow; xx++)
            {
                double s = 0;
                for (int t = 0; t < win; t++)
                {
                    int i = yy * width + xx + t;
                    s += k[t] * (product ? (double)a[i] * b[i] : a[i]);
                }
                rows[yy * ow + xx] = s;
            }
        var result = new double[oh * ow];
        for (int yy = 0; yy < oh; yy++)
            for (int xx = 0; xx < ow; xx++)
            {
                double s = 0;
                for (int t = 0; t < win; t++) s += k[t] * rows[(yy + t) * ow + xx];
                result[yy * ow + xx] = s;
            }
        return result;
    }
}
