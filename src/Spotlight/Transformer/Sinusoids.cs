using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Transformer;

/// <summary>The fixed position encodings of Vaswani et al. 2017, §3.5.</summary>
public static class Sinusoids
{
    /// <summary>P[pos, 2i] = sin(pos / 10000^(2i/d)), P[pos, 2i+1] = cos(...): (positions, d), outside any dispose scope.</summary>
    public static Tensor Table(int positions, int d)
    {
        var table = new float[positions * d];
        for (int pos = 0; pos < positions; pos++)
            for (int i = 0; i < d; i += 2)
            {
                double angle = pos / Math.Pow(10000, (double)i / d);
                table[pos * d + i] = (float)Math.Sin(angle);
                if (i + 1 < d) table[pos * d + i + 1] = (float)Math.Cos(angle);
            }
        return tensor(table, [positions, d]).DetachFromDisposeScope();
    }
}
