using Spotlight.Runtime;
using static TorchSharp.torch;

namespace Spotlight.Tests.Runtime;

public sealed class NnpackSwitchTests
{
    [Fact]
    public void Disabling_nnpack_reaches_libtorch_and_a_batched_convolution_still_matches_float64()
    {
        NnpackSwitch.Disable();
        Assert.Equal("off", NnpackSwitch.Status);
        Assert.False(NnpackSwitch.IsEnabled());

        // A shape NNPACK would take (batch 16, stride 1, no dilation): the result still agrees with float64.
        using var scope = NewDisposeScope();
        var gen = new TorchSharp.torch.Generator(5);
        var x = randn([16, 4, 12, 12], generator: gen);
        var w = randn([8, 4, 3, 3], generator: gen);
        var y = nn.functional.conv2d(x, w, padding: [1, 1]);
        var reference = nn.functional.conv2d(x.to(float64), w.to(float64), padding: [1, 1]).to(float32);
        Assert.True(allclose(y, reference, rtol: 1e-4, atol: 1e-4));
    }
}
