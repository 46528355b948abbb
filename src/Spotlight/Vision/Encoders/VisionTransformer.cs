using Spotlight.Attention;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Vision.Encoders;

/// <summary>How a ViT tells patches apart: a learned table (as ViT and timm) or fixed 2-D sine/cosine (as MAE).</summary>
public enum VitPositions { Learned, Sinusoidal2D }

/// <summary>A Vision Transformer's shape. The presets are timm's ViT-Ti/16 and ViT-S/16 (Touvron et al. 2021, DeiT).</summary>
public sealed record VitConfig(
    int ImageSize = 224, int PatchSize = 16, int Dim = 192, int Depth = 12, int Heads = 3, double MlpRatio = 4.0,
    VitPositions Positions = VitPositions.Learned, double Dropout = 0.0, double DropPath = 0.0)
{
    public static VitConfig Tiny(int imageSize = 224) => new(imageSize);
    public static VitConfig Small(int imageSize = 224) => new(imageSize, Dim: 384, Heads: 6);

    /// <summary>Patches per side.</summary>
    public int Grid => ImageSize / PatchSize;

    public void Validate()
    {
        if (PatchSize < 1 || ImageSize < PatchSize || ImageSize % PatchSize != 0)
            throw new SpotlightException($"ViT: image size {ImageSize} must be a positive multiple of the patch size {PatchSize}");
        if (Dim < 1 || Depth < 1 || Heads < 1 || Dim % Heads != 0)
            throw new SpotlightException($"ViT: width {Dim} must be divisible by the {Heads} heads, depth ≥ 1 (got {Depth})");
        if (!(MlpRatio > 0)) throw new SpotlightException($"ViT: MLP ratio must be positive, got {MlpRatio}");
        if (Dropout is < 0 or >= 1 || DropPath is < 0 or >= 1) throw new SpotlightException("ViT: dropout and drop-path rates must be in [0, 1)");
        if (Positions == VitPositions.Sinusoidal2D && Dim % 4 != 0) throw new SpotlightException($"ViT: 2-D sine positions need a width divisible by 4, got {Dim}");
    }
}

/// <summary>
/// A pre-norm ViT block (Dosovitskiy et al. 2021, eq. 2–3): x += DropPath(MSA(LN(x))); x += DropPath(MLP(LN(x))), the
/// MLP GELU(x W₁ + b₁) W₂ + b₂. Layer norms use ε = 1e-6, as timm's ViTs do, so their weights give their outputs.
/// </summary>
public sealed class VitBlock : Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly MultiHeadAttention attn;
    private readonly LayerNorm norm2;
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Dropout dropout;
    private readonly double dropPath;

    public VitBlock(VitConfig config, double dropPath) : base(nameof(VitBlock))
    {
        norm1 = LayerNorm(config.Dim, eps: 1e-6);
        attn = new MultiHeadAttention(new AttentionConfig(config.Dim, config.Dim, Heads: config.Heads, Dropout: config.Dropout));
        norm2 = LayerNorm(config.Dim, eps: 1e-6);
        fc1 = Linear(config.Dim, (int)(config.Dim * config.MlpRatio));
        fc2 = Linear((int)(config.Dim * config.MlpRatio), config.Dim);
        dropout = Dropout(config.Dropout);
        this.dropPath = dropPath;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Forward(x).X;

    /// <summary>x (batch, tokens, dim) → x and this block's attention weights per head (batch, heads, tokens, tokens).</summary>
    public (Tensor X, Tensor Weights) Forward(Tensor x)
    {
        var normed = norm1.forward(x);
        var (context, weights) = attn.forward(normed, normed, normed, null, causal: false, averageHeads: false);
        x = x + DropPath(dropout.forward(context));
        var mlp = fc2.forward(dropout.forward(functional.gelu(fc1.forward(norm2.forward(x)))));
        return (x + DropPath(dropout.forward(mlp)), weights);
    }

    /// <summary>Stochastic depth (Huang et al. 2016): in training, a sample's residual branch is dropped with probability p.</summary>
    private Tensor DropPath(Tensor branch)
    {
        if (!training || dropPath == 0) return branch;
        var keep = torch.empty(branch.shape[0], 1, 1, device: branch.device).bernoulli_(1 - dropPath);
        return branch * keep / (1 - dropPath);
    }
}

/// <summary>
/// A Vision Transformer encoder (Dosovitskiy et al. 2021): the image cut into P×P patches, each linearly embedded (a
/// stride-P convolution), a class token prepended, positions added, then pre-norm self-attention blocks and a final
/// LayerNorm. As an <see cref="IImageEncoder"/> its regions are the patch tokens (batch, grid², dim), row-major, so
/// captioning attends over patches as over a CNN's grid; <see cref="Tokens"/> also gives the class token.
/// </summary>
public sealed class VisionTransformer : Module<Tensor, Tensor>, IImageEncoder
{
    private readonly Conv2d patchEmbed;                  // (dim, 3, P, P), stride P
    private readonly Parameter classToken;               // (1, 1, dim)
    private readonly Parameter? positionTable;           // (1, 1 + grid², dim), learned
    private readonly ModuleList<VitBlock> blocks;
    private readonly LayerNorm norm;
    private readonly Dropout dropout;

    public VisionTransformer(VitConfig config) : base(nameof(VisionTransformer))
    {
        config.Validate();
        Config = config;
        patchEmbed = Conv2d(3, config.Dim, config.PatchSize, stride: config.PatchSize);
        classToken = Parameter(zeros(1, 1, config.Dim));
        if (config.Positions == VitPositions.Learned) positionTable = Parameter(zeros(1, 1 + config.Grid * config.Grid, config.Dim));
        // Drop-path rates rise linearly with depth, as DeiT does.
        blocks = new ModuleList<VitBlock>([.. Enumerable.Range(0, config.Depth).Select(i => new VitBlock(config, config.DropPath * i / Math.Max(1, config.Depth - 1)))]);
        norm = LayerNorm(config.Dim, eps: 1e-6);
        dropout = Dropout(config.Dropout);
        RegisterComponents();
        using (no_grad())
        {
            init.trunc_normal_(classToken, std: 0.02);
            if (positionTable is not null) init.trunc_normal_(positionTable, std: 0.02);
        }
        if (config.Positions == VitPositions.Sinusoidal2D)
            register_buffer("sincos_positions", SineCosine2D(config.Grid, config.Dim).DetachFromDisposeScope(), persistent: false);
        Runtime.NnpackSwitch.Disable();   // every model with convolutions: see NnpackSwitch
    }

    public VitConfig Config { get; }
    public int FeatureDim => Config.Dim;
    public int GridHeight => Config.Grid;
    public int GridWidth => Config.Grid;

    public Tensor Encode(Tensor images) => forward(images);

    /// <summary>images (batch, 3, S, S) → the patch tokens after the final norm (batch, grid², dim).</summary>
    public override Tensor forward(Tensor images) => Tokens(images)[.., 1..];

    /// <summary>images → every token after the final norm, the class token first: (batch, 1 + grid², dim).</summary>
    public Tensor Tokens(Tensor images) => norm.forward(Run(images, null));

    /// <summary>Each block's attention per head (batch, heads, 1 + grid², 1 + grid²), input to output.</summary>
    public IReadOnlyList<Tensor> AttentionWeights(Tensor images) => TokensWithAttention(images).Weights;

    /// <summary><see cref="Tokens"/> and <see cref="AttentionWeights"/> from one pass.</summary>
    public (Tensor Tokens, IReadOnlyList<Tensor> Weights) TokensWithAttention(Tensor images)
    {
        var weights = new List<Tensor>(blocks.Count);
        return (norm.forward(Run(images, weights)), weights);
    }

    private Tensor Run(Tensor images, List<Tensor>? weights)
    {
        if (images.shape[2] != Config.ImageSize || images.shape[3] != Config.ImageSize)
            throw new SpotlightException($"this ViT takes {Config.ImageSize}×{Config.ImageSize} images, got {images.shape[2]}×{images.shape[3]}");
        var patches = patchEmbed.forward(images).flatten(2).transpose(1, 2);              // (batch, grid², dim)
        var x = cat([classToken.expand(images.shape[0], -1, -1), patches], 1);          // (batch, 1 + grid², dim)
        x = dropout.forward(x + Positions());
        foreach (var block in blocks)
        {
            (x, var w) = block.Forward(x);
            weights?.Add(w);
        }
        return x;
    }

    /// <summary>(1, 1 + grid², dim): the class token's position first.</summary>
    private Tensor Positions() => positionTable ?? get_buffer("sincos_positions")!;

    /// <summary>
    /// MAE's fixed 2-D positions: half the width encodes the row, half the column, each with the 1-D sine/cosine of
    /// Vaswani et al.; the class token's position is zero. (1, 1 + grid², dim).
    /// </summary>
    public static Tensor SineCosine2D(int grid, int dim)
    {
        using var rows = Transformer.Sinusoids.Table(grid, dim / 2);
        var table = zeros(1, 1 + grid * grid, dim);
        for (int r = 0; r < grid; r++)
            for (int c = 0; c < grid; c++)
            {
                table[0, 1 + r * grid + c, ..(dim / 2)] = rows[r];
                table[0, 1 + r * grid + c, (dim / 2)..] = rows[c];
            }
        return table;
    }

    /// <summary>
    /// A learned position table (1, 1 + g₀², dim) resized to a g₁×g₁ grid: the patch positions bicubically interpolated as
    /// an image (timm and DeiT do the same to fine-tune at another resolution), the class token's kept. Identity when
    /// g₀ = g₁.
    /// </summary>
    public static Tensor InterpolatePositions(Tensor table, int grid)
    {
        long dim = table.shape[2], old = (long)Math.Round(Math.Sqrt(table.shape[1] - 1));
        if (old * old != table.shape[1] - 1) throw new SpotlightException($"a ViT position table of {table.shape[1]} entries is not a class token plus a square grid");
        if (old == grid) return table.clone();
        var patches = table[.., 1..].reshape(1, old, old, dim).permute(0, 3, 1, 2);       // (1, dim, g₀, g₀)
        var resized = functional.interpolate(patches, [grid, grid], mode: InterpolationMode.Bicubic, align_corners: false);
        return cat([table[.., ..1], resized.permute(0, 2, 3, 1).reshape(1, grid * grid, dim)], 1);
    }
}

/// <summary>
/// Attention rollout (Abnar &amp; Zuidema 2020): with each block's heads averaged and the residual stream counted as
/// Ã = ½(A + I), rows renormalised, the product Ã_L ⋯ Ã_1 says how much each input token flows into each output
/// token. Its class-token row over the patches is the picture of what the class token gathered.
/// </summary>
public static class AttentionRollout
{
    /// <summary>Per-block weights (batch, heads, T, T) → the rollout (batch, T, T).</summary>
    public static Tensor Compute(IReadOnlyList<Tensor> weights)
    {
        if (weights.Count == 0) throw new SpotlightException("attention rollout needs at least one block's attention");
        long batch = weights[0].shape[0], tokens = weights[0].shape[^1];
        var rollout = eye(tokens, device: weights[0].device).expand(batch, tokens, tokens);
        foreach (var w in weights)
        {
            var residual = 0.5 * w.mean([1]) + 0.5 * eye(tokens, device: w.device);                 // Ã = ½(A + I)
            residual = residual / residual.sum(-1, keepdim: true);
            rollout = residual.matmul(rollout);
        }
        return rollout;
    }

    /// <summary>The class token's rollout over the patches (batch, grid²), renormalised to sum to 1.</summary>
    public static Tensor ClassTokenMap(IReadOnlyList<Tensor> weights)
    {
        var patches = Compute(weights)[.., 0, 1..];
        return patches / patches.sum(-1, keepdim: true);
    }
}
