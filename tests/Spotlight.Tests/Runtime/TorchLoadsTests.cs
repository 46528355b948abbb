using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Runtime;

public class TorchLoadsTests
{
    [Fact]
    public void A_forward_and_backward_pass_runs_with_the_right_gradient()
    {
        // y = sum(w * x) has dy/dw = x; if libLibTorchSharp failed to load, the first tensor op would throw.
        var x = tensor(new float[] { 1f, -2f, 3f });
        var w = tensor(new float[] { 0.5f, 0.5f, 0.5f }, requires_grad: true);
        var y = (w * x).sum();
        y.backward();
        Assert.Equal(1f, y.item<float>(), 5);
        Assert.Equal(new float[] { 1f, -2f, 3f }, w.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Libtorch_reports_version_2_10()
    {
        Assert.StartsWith("2.10", torch.__version__);
    }
}
