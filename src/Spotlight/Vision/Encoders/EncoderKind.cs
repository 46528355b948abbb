using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders;

/// <summary>
/// One kind of pretrained image encoder, declared in one place: the architecture names it answers to, its display
/// name, how to build it, the input preprocessing its weights expect, its blocks for fine-tuning, the checks on its
/// settings, and (optionally) how to import weights from a published file. A new encoder is one new subclass in one
/// new file: <see cref="EncoderKinds"/> finds every subclass in the library.
/// </summary>
public abstract class EncoderKind
{
    /// <summary>Architecture names stored in configs and encoder files ("mobilenet-v1", "resnet50", …).</summary>
    public abstract IReadOnlyList<string> Architectures { get; }

    public abstract string DisplayName(string arch, double alpha);

    /// <summary>A new, randomly initialised trunk of this shape (no classifier).</summary>
    public abstract nn.Module<Tensor, Tensor> Create(PretrainedEncoderConfig config);

    /// <summary>The input normalisation the published weights were trained with.</summary>
    public abstract ImagePreprocessing Preprocessing(int imageSize);

    /// <summary>Parameter-name prefixes of the top-level blocks, from the input up (fine-tuning unfreezes the last N).</summary>
    public abstract IReadOnlyList<string[]> Blocks(PretrainedEncoderConfig config);

    /// <summary>Whether the width multiplier distinguishes weights of this kind (MobileNet's α).</summary>
    public virtual bool UsesAlpha => false;

    public virtual void Validate(PretrainedEncoderConfig config) { }

    /// <summary>Fits a file's tensors to an encoder built at another size before they load (a ViT's position table); by default nothing.</summary>
    public virtual void Adapt(Dictionary<string, Tensor> tensors, nn.Module<Tensor, Tensor> encoder) { }

    /// <summary>Whether <see cref="Import"/> reads this file (by its name or contents).</summary>
    public virtual bool CanImport(string source) => false;

    /// <summary>Converts published weights once into a Spotlight encoder file at <paramref name="output"/>.</summary>
    public virtual EncoderWeights.Description Import(string source, string output) =>
        throw new SpotlightException($"{source}: the {GetType().Name} encoder has no importer");
}

/// <summary>Every <see cref="EncoderKind"/> in the library, found once.</summary>
public static class EncoderKinds
{
    private static readonly Lazy<IReadOnlyList<EncoderKind>> all = new(() =>
        [.. typeof(EncoderKind).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(EncoderKind)) && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (EncoderKind)Activator.CreateInstance(t, nonPublic: true)!)]);

    public static IReadOnlyList<EncoderKind> All => all.Value;

    public static IReadOnlyList<string> Architectures => [.. All.SelectMany(k => k.Architectures)];

    public static EncoderKind For(string arch) => All.FirstOrDefault(k => k.Architectures.Contains(arch))
        ?? throw new SpotlightException($"unknown encoder '{arch}' (expected {string.Join(", ", Architectures)})");

    /// <summary>The kind whose importer reads <paramref name="source"/>.</summary>
    public static EncoderKind ImporterFor(string source) => All.FirstOrDefault(k => k.CanImport(source))
        ?? throw new SpotlightException($"{source}: expected a TF.js model.json, a .safetensors or an .onnx file");
}
