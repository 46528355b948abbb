using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>
/// Finite-difference gradient check: each entry of each leaf is moved by ±eps and the central difference
/// (f(x+eps) − f(x−eps)) / 2eps is compared with the autograd gradient. Meant for float64, where the difference's own
/// error (≈ eps² from truncation, ≈ 1e-16/eps from rounding) is far below the tolerance.
/// </summary>
internal static class GradCheck
{
    public static void AssertGradientsMatch(Func<Tensor> loss, IReadOnlyList<(string Name, Tensor Leaf)> leaves,
        double eps = 1e-6, double rtol = 1e-5, double atol = 1e-8)
    {
        foreach (var (_, leaf) in leaves)
        {
            Assert.Equal(ScalarType.Float64, leaf.dtype);
            Assert.True(leaf.requires_grad);
            leaf.grad?.zero_();
        }
        loss().backward();
        int checkedEntries = 0;
        foreach (var (name, leaf) in leaves)
        {
            var analytic = leaf.grad is null ? new double[leaf.numel()] : Tensors.Values(leaf.grad);
            var flat = leaf.detach().view(-1);   // shares storage with the leaf
            for (long i = 0; i < flat.numel(); i++)
            {
                double numeric;
                using (no_grad())
                {
                    var entry = flat[i];
                    double original = entry.item<double>();
                    entry.fill_(original + eps);
                    double plus = loss().item<double>();
                    entry.fill_(original - eps);
                    double minus = loss().item<double>();
                    entry.fill_(original);
                    numeric = (plus - minus) / (2 * eps);
                }
                double a = analytic[i];
                Assert.True(Math.Abs(a - numeric) <= atol + rtol * Math.Max(Math.Abs(a), Math.Abs(numeric)),
                    $"{name}[{i}]: autograd {a:R} vs finite difference {numeric:R}");
                checkedEntries++;
            }
        }
        Assert.True(checkedEntries > 0);
    }

    /// <summary>A loss that every output entry feeds with its own fixed weight (sum of outputs alone would hide errors:
    /// attention weights always sum to 1).</summary>
    public static Func<Tensor> WeightedSum(Func<(Tensor Context, Tensor Weights)> run, Generator g)
    {
        var (context, weights) = run();
        var rc = randn(context.shape, ScalarType.Float64, generator: g);
        var rw = randn(weights.shape, ScalarType.Float64, generator: g);
        return () =>
        {
            var (c, w) = run();
            return (c * rc).sum() + (w * rw).sum();
        };
    }
}
