using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Checkpoints;

/// <summary>
/// Copies saved tensors into a module's parameters and buffers by name, refusing anything but an exact fit: a
/// missing or unexpected name, a different shape or a different element type is reported in one line that names
/// the file, instead of a half-loaded model or a libtorch error from deep inside <c>copy_</c>.
/// </summary>
public static class StateDictLoader
{
    private const int NamesShown = 3;

    /// <summary>
    /// Copies <paramref name="tensors"/> whose names start with <paramref name="prefix"/> (prefix removed) into
    /// <paramref name="module"/>; <paramref name="source"/> names the file in the error message.
    /// </summary>
    public static void Load(string source, nn.Module module, IReadOnlyDictionary<string, Tensor> tensors,
        string prefix = "") => Plan(source, module, tensors, prefix)();

    /// <summary>Checks the fit now and returns the copy, so a caller can check other state before changing any.</summary>
    public static Action Plan(string source, nn.Module module, IReadOnlyDictionary<string, Tensor> tensors,
        string prefix = "")
    {
        var target = module.state_dict();
        var saved = tensors.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[prefix.Length..], p => p.Value, StringComparer.Ordinal);

        var problems = new List<string>();
        // Model-side names in the module's own order (fc1 before fc2), which reads better than alphabetical.
        var missing = target.Keys.Where(k => !saved.ContainsKey(k)).ToList();
        var unexpected = saved.Keys.Where(k => !target.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0) problems.Add($"missing {Names(missing)}");
        if (unexpected.Count > 0) problems.Add($"unexpected {Names(unexpected)}");
        foreach (var name in target.Keys.Where(saved.ContainsKey))
        {
            var (want, have) = (target[name], saved[name]);
            if (!want.shape.SequenceEqual(have.shape))
                problems.Add($"'{name}' has shape {Shape(have.shape)} in the file but {Shape(want.shape)} in the model");
            else if (want.dtype != have.dtype)
                problems.Add($"'{name}' is {have.dtype} in the file but {want.dtype} in the model");
        }
        if (problems.Count > 0)
        {
            var shown = string.Join("; ", problems.Take(NamesShown));
            var more = problems.Count > NamesShown ? $"; and {problems.Count - NamesShown} more problems" : "";
            throw new SpotlightException($"{source}: does not fit this model: {shown}{more}");
        }

        return () =>
        {
            // copy_ into a leaf that requires grad is only allowed without autograd recording.
            using var noGrad = no_grad();
            foreach (var (name, tensor) in target)
                tensor.copy_(saved[name]);
        };
    }

    private static string Names(List<string> names)
    {
        var shown = string.Join(", ", names.Take(NamesShown).Select(n => $"'{n}'"));
        return names.Count > NamesShown ? $"{shown} (+{names.Count - NamesShown} more)" : shown;
    }

    internal static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";
}
