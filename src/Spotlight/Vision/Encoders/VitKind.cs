using Spotlight.Checkpoints;
using static TorchSharp.torch;

namespace Spotlight.Vision.Encoders;

/// <summary>
/// Vision Transformers in timm's layout: ViT-Ti/16, ViT-S/16 and ViT-B/16 (e.g. timm's <c>vit_tiny_patch16_224</c>,
/// <c>vit_small_patch16_224</c>, <c>vit_base_patch16_224</c> and their <c>.augreg_in21k_ft_in1k</c> weights; DeiT's
/// <c>deit_tiny/small/base_patch16_224</c> load too, but were trained on ImageNet mean/std inputs, which this kind does
/// not record: their features come out shifted), imported from <c>.safetensors</c> files whose names are timm's
/// (<c>patch_embed.proj</c>, <c>cls_token</c>, <c>pos_embed</c>, <c>blocks.N.attn.qkv</c>, <c>blocks.N.mlp.fc1</c>, …).
/// At another image size the position table is interpolated (<see cref="VisionTransformer.InterpolatePositions"/>).
/// </summary>
internal sealed class VitKind : EncoderKind
{
    private static readonly (string Arch, int Dim, int Heads)[] Presets = [("vit-tiny-16", 192, 3), ("vit-small-16", 384, 6), ("vit-base-16", 768, 12)];

    public override IReadOnlyList<string> Architectures => [.. Presets.Select(p => p.Arch)];
    public override string DisplayName(string arch, double alpha) => arch;

    public static VitConfig ConfigOf(string arch, int imageSize)
    {
        var preset = Presets.First(p => p.Arch == arch);
        return new VitConfig(imageSize, 16, preset.Dim, 12, preset.Heads);
    }

    public override nn.Module<Tensor, Tensor> Create(PretrainedEncoderConfig config) => new VisionTransformer(ConfigOf(config.Arch, config.ImageSize));

    /// <summary>timm's augreg ViTs and the original Google ViTs take RGB scaled to [-1, 1] (mean 0.5, std 0.5).</summary>
    public override ImagePreprocessing Preprocessing(int imageSize) => ImagePreprocessing.SymmetricUnit(imageSize);

    public override IReadOnlyList<string[]> Blocks(PretrainedEncoderConfig config) =>
        [["patchEmbed.", "classToken", "positionTable"], .. Enumerable.Range(0, 12).Select(i => new[] { $"blocks.{i}." }), ["norm."]];

    public override void Validate(PretrainedEncoderConfig config)
    {
        if (config.ImageSize % 16 != 0) throw new SpotlightException($"a ViT with 16-pixel patches needs an image size divisible by 16, got {config.ImageSize}");
    }

    public override bool CanImport(string source) =>
        source.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) && File.Exists(source)
        && SafeTensors.ReadHeader(source).Entries.Any(e => e.Name == "cls_token");

    public override EncoderWeights.Description Import(string source, string output)
    {
        using var file = SafeTensors.Read(source);
        var tensors = file.Tensors;
        var (config, weights) = FromTimm(source, tensors);
        using var scope = NewDisposeScope();
        using var model = new VisionTransformer(config);
        StateDictLoader.Load(source, model, weights);
        var arch = Presets.FirstOrDefault(p => p.Dim == config.Dim && p.Heads == config.Heads && config.Depth == 12 && config.PatchSize == 16).Arch
            ?? throw new SpotlightException($"{source}: a ViT of width {config.Dim}, depth {config.Depth}, patch {config.PatchSize}; importable are ViT-Ti/16, ViT-S/16 and ViT-B/16");
        var description = new EncoderWeights.Description(arch, 1.0, 0, Path.GetFileName(source));
        EncoderWeights.Save(output, model, description, null);
        return description;
    }

    /// <summary>
    /// timm's tensors → a <see cref="VitConfig"/> (patch size, width, depth and grid from the shapes; heads from the
    /// width, as every timm ViT has 64-wide heads) and this library's names: qkv split into W^Q, W^K, W^V; head.* left out.
    /// </summary>
    public static (VitConfig Config, Dictionary<string, Tensor> Weights) FromTimm(string source, IReadOnlyDictionary<string, Tensor> timm)
    {
        Tensor Need(string name) => timm.TryGetValue(name, out var t) ? (t.dtype == ScalarType.Float32 ? t : t.to_type(ScalarType.Float32))
            : throw new SpotlightException($"{source}: has no '{name}' (not a timm ViT with a class token and a final norm)");
        var patch = Need("patch_embed.proj.weight");
        int dim = (int)patch.shape[0], patchSize = (int)patch.shape[2];
        int depth = 0;
        while (timm.ContainsKey($"blocks.{depth}.attn.qkv.weight")) depth++;
        var positions = Need("pos_embed");
        int grid = (int)Math.Round(Math.Sqrt(positions.shape[1] - 1));
        int hidden = (int)Need("blocks.0.mlp.fc1.weight").shape[0];
        var config = new VitConfig(grid * patchSize, patchSize, dim, depth, Math.Max(1, dim / 64), hidden / (double)dim);
        config.Validate();
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["patchEmbed.weight"] = patch, ["patchEmbed.bias"] = Need("patch_embed.proj.bias"),
            ["classToken"] = Need("cls_token"), ["positionTable"] = positions,
            ["norm.weight"] = Need("norm.weight"), ["norm.bias"] = Need("norm.bias"),
        };
        for (int i = 0; i < depth; i++)
        {
            string b = $"blocks.{i}";
            var qkv = Need($"{b}.attn.qkv.weight").chunk(3, 0);
            var qkvBias = Need($"{b}.attn.qkv.bias").chunk(3, 0);
            string[] parts = ["queryProj", "keyProj", "valueProj"];
            for (int p = 0; p < 3; p++)
            {
                weights[$"{b}.attn.{parts[p]}.weight"] = qkv[p];
                weights[$"{b}.attn.{parts[p]}.bias"] = qkvBias[p];
            }
            foreach (var (ours, theirs) in new[] { ("attn.outProj", "attn.proj"), ("norm1", "norm1"), ("norm2", "norm2"), ("fc1", "mlp.fc1"), ("fc2", "mlp.fc2") })
            {
                weights[$"{b}.{ours}.weight"] = Need($"{b}.{theirs}.weight");
                weights[$"{b}.{ours}.bias"] = Need($"{b}.{theirs}.bias");
            }
        }
        return (config, weights);
    }

    /// <summary>A file trained at another size: its position table resized to the encoder's grid.</summary>
    public override void Adapt(Dictionary<string, Tensor> tensors, nn.Module<Tensor, Tensor> encoder)
    {
        if (encoder is VisionTransformer vit && tensors.TryGetValue("positionTable", out var table) && table.shape[1] != 1 + vit.Config.Grid * vit.Config.Grid)
            tensors["positionTable"] = VisionTransformer.InterpolatePositions(table, vit.Config.Grid);
    }
}

/// <summary>Reading timm's ViT layout from code (the encoder kind itself is internal to the registry).</summary>
public static class VitKindAccess
{
    /// <inheritdoc cref="VitKind.FromTimm"/>
    public static (VitConfig Config, Dictionary<string, Tensor> Weights) FromTimm(string source, IReadOnlyDictionary<string, Tensor> timm) => VitKind.FromTimm(source, timm);
}
