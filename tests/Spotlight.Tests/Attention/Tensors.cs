using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>Small tensor helpers for the attention tests: seeded inputs, literal tensors, closeness asserts.</summary>
internal static class Tensors
{
    /// <summary>A private generator, so tests running in parallel do not disturb each other's random numbers.</summary>
    public static Generator Seeded(long seed) => new Generator((ulong)seed);

    public static Tensor Normal(Generator g, ScalarType dtype, params long[] shape) => randn(shape, dtype, generator: g);

    /// <summary>(1, rows, cols) float tensor from a literal matrix: one batch item.</summary>
    public static Tensor Batch1(double[,] rows, ScalarType dtype = ScalarType.Float32) => tensor(rows, dtype).unsqueeze(0);

    /// <summary>Every entry of <paramref name="actual"/> within <paramref name="tolerance"/> of the same entry of <paramref name="expected"/>.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what = "tensor")
    {
        Assert.Equal(expected.shape, actual.shape);
        var diff = (expected.to_type(ScalarType.Float64) - actual.to_type(ScalarType.Float64)).abs();
        Assert.False(diff.isnan().any().item<bool>(), $"{what}: NaN where a number was expected");
        var worst = diff.max().item<double>();
        Assert.True(worst <= tolerance, $"{what}: largest difference {worst:E3} exceeds {tolerance:E1}");
    }

    /// <summary>Entries as a flat double array, for comparing with hand-computed numbers.</summary>
    public static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    /// <summary>Hand-computed numbers, rounded to <paramref name="decimals"/>, against a tensor's entries.</summary>
    public static void AssertValues(double[] expected, Tensor actual, int decimals)
    {
        var values = Values(actual);
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], values[i], decimals);
    }
}
