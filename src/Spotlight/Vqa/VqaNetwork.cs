using Spotlight.Vision.Encoders;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Vqa;

/// <summary>
/// The VQA network: the small CNN's region grid, projected to the question's width (v_I = tanh(W f_I + b)), the
/// question vector, K attention hops (<see cref="AttentionHop"/>), and a classifier over the answers (Yang et al. 2016),
/// which reads the refined query or, with <see cref="VqaConfig.AnswerFromLastHop"/>, the question and the last glimpse.
/// The baselines take the same path with the hops replaced: mean of the regions (<c>NoAttention</c>) or nothing (<c>Blind</c>).
/// </summary>
public sealed class VqaNetwork : Module<Tensor, Tensor, (Tensor Logits, Tensor Attention)>
{
    private readonly Module<Tensor, Tensor>? encoder;     // the small CNN or a frozen pretrained encoder; null for the blind baseline
    private readonly Linear? regionProj;
    private readonly QuestionEncoder question;
    private readonly ModuleList<AttentionHop> hops;
    private readonly CoAttention? coAttention;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public VqaNetwork(VqaConfig config) : base(nameof(VqaNetwork))
    {
        config.Validate();
        Config = config;
        if (config.Model != VqaModelKind.Blind)
        {
            encoder = config.Pretrained?.Create() ?? new SmallCnnEncoder(config.Encoder);
            regionProj = Linear(((IImageEncoder)encoder).FeatureDim, config.HiddenDim);
        }
        question = new QuestionEncoder(config);
        if (config.Model == VqaModelKind.CoAttention) coAttention = new CoAttention(config.HiddenDim, config.Hops, config.Heads);
        int stacked = config.Model == VqaModelKind.StackedAttention ? config.Hops : 0;
        hops = new ModuleList<AttentionHop>([.. Enumerable.Range(0, stacked)
            .Select(_ => new AttentionHop(config.HiddenDim, config.AttentionDim, config.RelativePositions, config.Counting))]);
        dropout = Dropout(config.Dropout);
        classifier = Linear(config.HiddenDim, config.AnswerCount);
        RegisterComponents();
        if (config.Pretrained is not null)
            foreach (var p in encoder!.parameters()) p.requires_grad = false;
    }

    public VqaConfig Config { get; }
    public int GridSize => encoder is IImageEncoder regions ? regions.GridHeight : Config.Encoder.GridSize;
    private int GridWidth => encoder is IImageEncoder regions ? regions.GridWidth : Config.Encoder.GridSize;

    /// <summary>The encoder module (for loading pretrained weights into it); null for the blind baseline.</summary>
    public Module<Tensor, Tensor>? EncoderModule => encoder;

    /// <summary>A pretrained encoder is frozen: its regions of an image never change, so they can be computed once.</summary>
    public bool EncoderFrozen => Config.Pretrained is not null;

    /// <summary>A frozen encoder keeps its ImageNet batch-norm statistics: it stays in eval mode.</summary>
    public override void train(bool on = true)
    {
        base.train(on);
        if (EncoderFrozen) encoder!.eval();
    }

    /// <summary>Images (n, 3, H, W) → region features (n, regions, feature); an empty tensor for the blind baseline.</summary>
    public Tensor EncodeImages(Tensor images) => encoder is null ? zeros(images.shape[0], 0, 1) : ((IImageEncoder)encoder).Encode(images);

    /// <summary>Answers questions about images given as features: <paramref name="regions"/> (batch, regions, feature) holds one row per question.</summary>
    /// <returns>logits (batch, answers) and the attention of each hop (batch, hops, regions)</returns>
    public (Tensor Logits, Tensor Attention) Answer(Tensor regions, Tensor tokens)
    {
        var (words, u, wordMask) = question.Encode(tokens);                    // v_Q (batch, hidden)
        var weights = new List<Tensor>();
        if (regionProj is not null)
        {
            var v = tanh(regionProj.forward(regions));                          // v_I (batch, regions, hidden)
            if (coAttention is not null)
            {
                (u, var beta) = coAttention.forward(v, words, wordMask);
                weights.Add(beta);
            }
            else if (hops.Count == 0) u = u + v.mean([1]);                      // the no-attention baseline
            var positions = Config.RelativePositions && hops.Count > 0 ? AttentionHop.GridPositions(GridSize, GridWidth, v.device) : null;
            var focus = positions is null ? null : zeros(v.shape[0], 1, 2, device: v.device);   // the first hop looks from the centre
            var (vQ, previous) = (u, u);
            foreach (var hop in hops)
            {
                previous = u;
                (u, var p) = hop.forward(v, u, positions is null ? null : positions.unsqueeze(0) - focus!);   // r (batch, regions, 2)
                weights.Add(p);
                if (positions is not null) focus = p.unsqueeze(1).matmul(positions);                     // (batch, 1, 2)
            }
            // v_Q + ṽ_K (+ W_C n_K with counting); one hop reads the same either way
            if (Config.AnswerFromLastHop && hops.Count > 1) u = vQ + (u - previous);
        }
        var attention = weights.Count > 0 ? stack(weights, 1) : zeros(tokens.shape[0], 0, Math.Max(regions.shape[1], 1));
        return (classifier.forward(dropout.forward(u)), attention);
    }

    /// <param name="images">(batch, 3, H, W), one per question</param>
    /// <param name="tokens">(batch, words), right-padded with 0</param>
    public override (Tensor Logits, Tensor Attention) forward(Tensor images, Tensor tokens) => Answer(EncodeImages(images), tokens);
}
