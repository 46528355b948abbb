using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Checkpoints;

/// <summary>
/// Everything a training run needs to resume and end with the same weights as a run that was never interrupted:
/// the model's state dict (tensors <c>model.*</c>), the optimizer's per-parameter state (<c>optimizer.*</c>) and
/// hyperparameters (JSON entry <c>optimizer</c>), libtorch's CPU random generator (<c>rng.cpu</c>, so dropout
/// masks continue the same sequence), and the caller's own JSON blobs (progress, LR-scheduler state, config).
/// It is a Spotlight file of kind <c>training-checkpoint</c>: safetensors, checksummed, written atomically.
/// Caller-side randomness (shuffling, augmentation) must be derived from (seed, epoch, step) so that it needs no
/// saving. The CUDA generator is not captured (TorchSharp exposes no API for its state), so dropout on a GPU does
/// not resume bit-exactly.
/// </summary>
public static class TrainingCheckpoint
{
    public const string Kind = "training-checkpoint";
    public const string OptimizerBlob = "optimizer";
    public const string ModelPrefix = "model.";
    public const string RngTensor = "rng.cpu";

    public static void Save(string path, nn.Module model, optim.Optimizer optimizer,
        IReadOnlyDictionary<string, string> jsonBlobs)
    {
        if (jsonBlobs.ContainsKey(OptimizerBlob))
            throw new ArgumentException($"'{OptimizerBlob}' is reserved for the optimizer's state", nameof(jsonBlobs));

        using var scope = NewDisposeScope();  // collects the step-counter scalars and the RNG state copy
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.state_dict())
            tensors[ModelPrefix + name] = tensor;
        var (optimizerTensors, optimizerJson) = OptimizerStateCodec.Capture(optimizer);
        foreach (var (name, tensor) in optimizerTensors)
            tensors[name] = tensor;
        tensors[RngTensor] = torch.random.get_rng_state();

        var blobs = new Dictionary<string, string>(jsonBlobs, StringComparer.Ordinal) { [OptimizerBlob] = optimizerJson };
        ModelFile.Save(path, Kind, tensors, blobs);
    }

    /// <summary>
    /// Verifies the checkpoint, checks that it fits the model and optimizer exactly, and only then restores the
    /// model, the optimizer and the random generator. Returns the caller's blobs (without <c>optimizer</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string path, nn.Module model, optim.Optimizer optimizer)
    {
        using var file = ModelFile.Load(path, Kind);
        var restoreModel = StateDictLoader.Plan(path, model, file.Tensors, ModelPrefix);
        var restoreOptimizer = OptimizerStateCodec.Plan(path, optimizer, file.Blob(OptimizerBlob), file.Tensors);
        var rng = CheckRng(path, file.Tensors);
        var unknown = file.Tensors.Keys.FirstOrDefault(k => !k.StartsWith(ModelPrefix, StringComparison.Ordinal)
            && !k.StartsWith(OptimizerStateCodec.Prefix, StringComparison.Ordinal) && k != RngTensor);
        if (unknown is not null) throw new SpotlightException($"{path}: unexpected tensor '{unknown}' in a training checkpoint");

        // Everything is checked; only now does anything change.
        restoreModel();
        restoreOptimizer();
        torch.random.set_rng_state(rng);
        return file.Blobs.Where(p => p.Key != OptimizerBlob).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    private static Tensor CheckRng(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        if (!tensors.TryGetValue(RngTensor, out var rng))
            throw new SpotlightException($"{path}: has no '{RngTensor}' random generator state");
        using var current = torch.random.get_rng_state();
        if (rng.dtype != ScalarType.Byte || !rng.shape.SequenceEqual(current.shape))
            throw new SpotlightException($"{path}: '{RngTensor}' is {rng.dtype} {StateDictLoader.Shape(rng.shape)}, expected Byte {StateDictLoader.Shape(current.shape)} (a different libtorch?)");
        return rng;
    }
}
