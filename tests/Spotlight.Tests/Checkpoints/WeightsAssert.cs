using Spotlight.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Checkpoints;

/// <summary>"Same weights" as the resume tests mean it: the same names, every tensor within a tolerance.</summary>
internal static class WeightsAssert
{
    /// <summary>Two state dicts: the same names in the same order, each tensor within <paramref name="tolerance"/>.</summary>
    public static void Same(IDictionary<string, Tensor> expected, IDictionary<string, Tensor> actual, double tolerance)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, tensor) in expected)
        {
            double diff = (tensor.to_type(torch.float64) - actual[name].to_type(torch.float64)).abs().max().item<double>();
            Assert.True(diff <= tolerance, $"{name} differs by {diff}");
        }
    }

    /// <summary>Two model files' tensors (names compared as sets), each within <paramref name="tolerance"/>.</summary>
    public static void SameFiles(string expected, string actual, double tolerance = 0)
    {
        using var x = ModelFile.Load(expected);
        using var y = ModelFile.Load(actual);
        Assert.Equal(x.Tensors.Keys.Order(), y.Tensors.Keys.Order());
        foreach (var (name, tensor) in x.Tensors)
        {
            double diff = (tensor.to_type(torch.float64) - y.Tensors[name].to_type(torch.float64)).abs().max().item<double>();
            Assert.True(diff <= tolerance, $"{name} differs by {diff}");
        }
    }
}
