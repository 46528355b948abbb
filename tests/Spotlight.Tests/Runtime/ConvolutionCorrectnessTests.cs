using Spotlight.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spotlight.Tests.Runtime;

/// <summary>
/// float32 convolutions (oneDNN) against float64 (libtorch's own kernels), forward and backward, at the shapes where
/// oneDNN's JIT kernels went wrong on AMD Zen 5 before <see cref="OneDnnGuard"/> capped its ISA.
/// </summary>
public sealed class ConvolutionCorrectnessTests
{
    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        { 4, 8, 3, 1, 8 }, { 4, 3, 3, 1, 16 }, { 1, 1, 3, 1, 8 }, { 2, 1, 3, 2, 8 }, { 12, 4, 3, 1, 16 }, { 8, 8, 3, 1, 2 },
        { 3, 16, 3, 1, 32 }, { 16, 32, 3, 1, 16 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Conv2d_in_float32_agrees_with_float64_forward_and_backward(int cin, int cout, int k, int stride, int size)
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)(cin * 1000 + cout * 10 + size));
        var x = randn(new long[] { 2, cin, size, size }, generator: g);
        var w = randn(new long[] { cout, cin, k, k }, generator: g);
        var (y32, gx32, gw32) = Run(x, w, stride, k / 2, ScalarType.Float32);
        var (y64, gx64, gw64) = Run(x, w, stride, k / 2, ScalarType.Float64);
        AssertClose(y64, y32, "output");
        AssertClose(gx64, gx32, "input gradient");
        AssertClose(gw64, gw32, "weight gradient");
    }

    [Fact]
    public void Single_channel_conv_transpose2d_sums_overlapping_patches()
    {
        using var scope = NewDisposeScope();
        for (int h = 4; h <= 8; h++)
            for (int p = 2; p <= 6; p++)
                for (int rate = 1; rate <= 3; rate++)
                {
                    var actual = F.conv_transpose2d(ones(1, 1, h, h), ones(1, 1, p, p), strides: [rate, rate]);
                    long size = (h - 1) * rate + p;
                    var expected = new float[size * size];
                    for (int i = 0; i < h; i++)
                        for (int j = 0; j < h; j++)
                            for (int u = 0; u < p; u++)
                                for (int v = 0; v < p; v++) expected[(i * rate + u) * size + j * rate + v]++;
                    Assert.True(actual.reshape(-1).eq(tensor(expected)).all().item<bool>(),
                        $"h {h}, patch {p}, stride {rate}: {OneDnnGuard.Status}");
                }
    }

    private static (Tensor Y, Tensor Gx, Tensor Gw) Run(Tensor x, Tensor w, int stride, int padding, ScalarType type)
    {
        var xs = x.to_type(type).clone().detach().requires_grad_(true);
        var ws = w.to_type(type).clone().detach().requires_grad_(true);
        var y = F.conv2d(xs, ws, strides: [stride, stride], padding: [padding, padding]);
        var r = torch.linspace(-1, 1, y.numel(), dtype: type).reshape(y.shape);   // a loss whose gradient is not ~0
        (y * r).sum().backward();
        return (y.detach().to_type(ScalarType.Float64), xs.grad!.to_type(ScalarType.Float64), ws.grad!.to_type(ScalarType.Float64));
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double error = (actual - expected).abs().max().item<double>() / Math.Max(expected.abs().max().item<double>(), 1e-12);
        Assert.True(error < 1e-5, $"{what}: relative error {error:g3} ({OneDnnGuard.Status})");
    }
}
