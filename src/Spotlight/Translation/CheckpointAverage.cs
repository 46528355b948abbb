using Spotlight.Checkpoints;
using static TorchSharp.torch;

namespace Spotlight.Translation;

/// <summary>
/// Averages the weights of several model files of the same network (Vaswani et al. 2017 §6.1 average the last
/// checkpoints): each floating-point tensor becomes the mean over the files, in float64 then cast back; other
/// tensors (integer buffers) are taken from the last file, as are the JSON entries.
/// </summary>
public static class CheckpointAverage
{
    public static void Average(IReadOnlyList<string> modelPaths, string outputPath)
    {
        if (modelPaths.Count == 0) throw new SpotlightException("checkpoint averaging needs at least one model file");
        var files = new List<LoadedModelFile>();
        try
        {
            foreach (var path in modelPaths) files.Add(ModelFile.Load(path));
            var last = files[^1];
            foreach (var file in files)
            {
                if (file.Kind != last.Kind || file.Blob(ModelFile.ConfigBlob) != last.Blob(ModelFile.ConfigBlob))
                    throw new SpotlightException($"{file.Path}: cannot be averaged with {last.Path} (different kind or config)");
                if (!file.Tensors.Keys.Order().SequenceEqual(last.Tensors.Keys.Order()))
                    throw new SpotlightException($"{file.Path}: holds other tensors than {last.Path}");
            }
            using var scope = NewDisposeScope();
            var averaged = new Dictionary<string, Tensor>();
            foreach (var (name, tensor) in last.Tensors)
            {
                if (!tensor.is_floating_point()) { averaged[name] = tensor; continue; }
                var sum = zeros_like(tensor, dtype: ScalarType.Float64);
                foreach (var file in files)
                {
                    var other = file.Tensors[name];
                    if (!other.shape.SequenceEqual(tensor.shape))
                        throw new SpotlightException($"{file.Path}: tensor '{name}' has shape [{string.Join(", ", other.shape)}], not [{string.Join(", ", tensor.shape)}]");
                    sum.add_(other.to_type(ScalarType.Float64));
                }
                averaged[name] = (sum / files.Count).to_type(tensor.dtype);
            }
            var blobs = last.Blobs.ToDictionary(p => p.Key, p => p.Value);
            ModelFile.Save(outputPath, last.Kind, averaged, blobs);
        }
        finally
        {
            foreach (var file in files) file.Dispose();
        }
    }
}
