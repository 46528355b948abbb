using static TorchSharp.torch;

namespace Spotlight.Tests.Inpainting;

/// <summary>
/// Contextual attention written as plain loops over queries, keys and pixels (3×3 patches, single scale), straight
/// from the description in Yu et al. 2018 §3.2, as an oracle for the convolutional implementation.
/// </summary>
internal static class ReferenceAttention
{
    public static (Tensor Output, Tensor Weights) Compute(Tensor match, Tensor values, Tensor hole, float scale, bool fuse)
    {
        int b = (int)match.shape[0], c = (int)match.shape[1], h = (int)match.shape[2], w = (int)match.shape[3];
        int cv = (int)values.shape[1], vh = (int)values.shape[2], vw = (int)values.shape[3], r = vh / h, n = h * w;
        var m = match.contiguous().data<float>().ToArray();
        var v = values.contiguous().data<float>().ToArray();
        var hl = hole.contiguous().data<float>().ToArray();
        var weights = new float[b * n * n];
        var output = new float[b * cv * vh * vw];
        for (int bi = 0; bi < b; bi++)
        {
            float M(int ch, int y, int x) => y < 0 || y >= h || x < 0 || x >= w ? 0 : m[((bi * c + ch) * h + y) * w + x];
            var score = new double[n, n];                                    // [key, query]
            for (int k = 0; k < n; k++)
            {
                int ky = k / w, kx = k % w;
                double norm = 0;
                for (int ch = 0; ch < c; ch++)
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++) norm += M(ch, ky + dy, kx + dx) * M(ch, ky + dy, kx + dx);
                norm = Math.Max(Math.Sqrt(norm), 1e-4);
                for (int q = 0; q < n; q++)
                {
                    int qy = q / w, qx = q % w;
                    double dot = 0;
                    for (int ch = 0; ch < c; ch++)
                        for (int dy = -1; dy <= 1; dy++)
                            for (int dx = -1; dx <= 1; dx++) dot += M(ch, qy + dy, qx + dx) * M(ch, ky + dy, kx + dx);
                    score[k, q] = dot / norm;
                }
            }
            if (fuse)
            {
                score = Propagate(score, h, w, 0, 1);                             // along x
                score = Propagate(score, h, w, 1, 0);                             // then along y
            }
            var valid = new bool[n];
            for (int k = 0; k < n; k++)
            {
                valid[k] = true;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int y = k / w + dy, x = k % w + dx;
                        if (y >= 0 && y < h && x >= 0 && x < w && hl[(bi * h + y) * w + x] != 0) valid[k] = false;
                    }
            }
            for (int q = 0; q < n; q++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int k = 0; k < n; k++) if (valid[k]) max = Math.Max(max, scale * score[k, q]);
                for (int k = 0; k < n; k++) if (valid[k]) sum += Math.Exp(scale * score[k, q] - max);
                for (int k = 0; k < n; k++)
                    weights[(bi * n + k) * n + q] = valid[k] ? (float)(Math.Exp(scale * score[k, q] - max) / sum) : 0f;
            }
            // Paste: query q's 3r×3r window starts at (qy·r − r, qx·r − r); key k's value patch at (ky·r − r, kx·r − r),
            // with coordinates outside the map clamped (replicate padding). Each pixel averages its covering queries.
            for (int ch = 0; ch < cv; ch++)
                for (int y = 0; y < vh; y++)
                    for (int x = 0; x < vw; x++)
                    {
                        double total = 0;
                        int count = 0;
                        for (int q = 0; q < n; q++)
                        {
                            int oy = y - (q / w * r - r), ox = x - (q % w * r - r);
                            if (oy < 0 || oy >= 3 * r || ox < 0 || ox >= 3 * r) continue;
                            count++;
                            for (int k = 0; k < n; k++)
                            {
                                int sy = Math.Clamp(k / w * r - r + oy, 0, vh - 1), sx = Math.Clamp(k % w * r - r + ox, 0, vw - 1);
                                total += weights[(bi * n + k) * n + q] * v[((bi * cv + ch) * vh + sy) * vw + sx];
                            }
                        }
                        output[((bi * cv + ch) * vh + y) * vw + x] = (float)(total / count);
                    }
        }
        return (tensor(output, [b, cv, vh, vw]), tensor(weights, [b, n, h, w]));
    }

    /// <summary>fused[k, q] = Σ_{d=-1..1} s[k + d·step, q + d·step], zero outside the grid.</summary>
    private static double[,] Propagate(double[,] s, int h, int w, int stepY, int stepX)
    {
        int n = h * w;
        var fused = new double[n, n];
        for (int k = 0; k < n; k++)
            for (int q = 0; q < n; q++)
                for (int d = -1; d <= 1; d++)
                {
                    int ky = k / w + d * stepY, kx = k % w + d * stepX, qy = q / w + d * stepY, qx = q % w + d * stepX;
                    if (ky < 0 || ky >= h || kx < 0 || kx >= w || qy < 0 || qy >= h || qx < 0 || qx >= w) continue;
                    fused[k, q] += s[ky * w + kx, qy * w + qx];
                }
        return fused;
    }
}
