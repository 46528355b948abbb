using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>The gradient check is itself a test oracle, so it must catch a wrong gradient.</summary>
public class GradCheckTests
{
    [Fact]
    public void The_gradient_check_passes_a_right_gradient_and_catches_a_wrong_one()
    {
        var x = tensor(new[] { 0.3, -1.2, 2.0 }, ScalarType.Float64, requires_grad: true);
        GradCheck.AssertGradientsMatch(() => (x * x).sum(), [("x", x)]);
        // x · detach(x) has value Σx² but autograd sees only one factor: gradient x instead of 2x.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => GradCheck.AssertGradientsMatch(() => (x * x.detach()).sum(), [("x", x)]));
    }
}
