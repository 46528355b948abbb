using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>Reads and writes a module's parameters by their registered names (e.g. "keyProj.weight").</summary>
internal static class Params
{
    public static Tensor Get(nn.Module module, string name) =>
        module.named_parameters().Single(p => p.name == name).parameter;

    /// <summary>Sets a weight matrix (out, in) or, with a one-row matrix, a vector such as a bias or v.</summary>
    public static void Set(nn.Module module, string name, double[,] values)
    {
        var target = Get(module, name);
        using var noGrad = no_grad();
        target.copy_(tensor(values, target.dtype).reshape(target.shape));
    }

    /// <summary>Overwrites every parameter with seeded normal noise (biases too, so bias bugs show).</summary>
    public static void Randomize(nn.Module module, Generator g, double scale = 0.5)
    {
        using var noGrad = no_grad();
        foreach (var (_, p) in module.named_parameters())
            p.copy_(randn(p.shape, p.dtype, generator: g) * scale);
    }
}
