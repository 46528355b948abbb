using Spotlight.Attention;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Vqa;

/// <summary>
/// A small MCAN-style co-attention (Yu et al. 2019, encoder–decoder form) from the library's <see cref="MultiHeadAttention"/>:
/// L layers of question self-attention, then L layers of region self-attention followed by question-guided region
/// attention (regions query the words), each with a residual, layer norm and feed-forward block; then attentional
/// reduction of words and regions (softmax of an MLP score) and a fused vector. The region reduction's weights are the
/// map of where the model looked.
/// </summary>
public sealed class CoAttention : Module<Tensor, Tensor, Tensor, (Tensor Fused, Tensor Weights)>
{
    private readonly ModuleList<Block> questionLayers;
    private readonly ModuleList<Block> regionLayers;
    private readonly Sequential questionScore;
    private readonly Sequential regionScore;
    private readonly Linear questionOut;
    private readonly Linear regionOut;
    private readonly LayerNorm fuseNorm;

    public CoAttention(int dim, int layers, int heads) : base(nameof(CoAttention))
    {
        questionLayers = new ModuleList<Block>([.. Enumerable.Range(0, layers).Select(_ => new Block(dim, heads, guided: false))]);
        regionLayers = new ModuleList<Block>([.. Enumerable.Range(0, layers).Select(_ => new Block(dim, heads, guided: true))]);
        questionScore = Sequential(Linear(dim, dim), ReLU(), Linear(dim, 1));
        regionScore = Sequential(Linear(dim, dim), ReLU(), Linear(dim, 1));
        questionOut = Linear(dim, dim);
        regionOut = Linear(dim, dim);
        fuseNorm = LayerNorm(dim);
        RegisterComponents();
    }

    /// <param name="regions">(batch, regions, dim)</param>
    /// <param name="words">(batch, words, dim)</param>
    /// <param name="wordMask">(batch, words) bool, true = a real word</param>
    /// <returns>the fused vector (batch, dim) and the region weights (batch, regions)</returns>
    public override (Tensor Fused, Tensor Weights) forward(Tensor regions, Tensor words, Tensor wordMask)
    {
        var y = words;
        foreach (var layer in questionLayers) y = layer.Run(y, null, y, wordMask);
        var x = regions;
        foreach (var layer in regionLayers) x = layer.Run(x, null, y, wordMask);
        var alpha = questionScore.forward(y).squeeze(-1).masked_fill(wordMask.logical_not(), float.NegativeInfinity).softmax(1);
        var beta = regionScore.forward(x).squeeze(-1).softmax(1);                         // (batch, regions)
        var question = alpha.unsqueeze(1).bmm(y).squeeze(1);
        var image = beta.unsqueeze(1).bmm(x).squeeze(1);
        return (fuseNorm.forward(questionOut.forward(question) + regionOut.forward(image)), beta);
    }

    /// <summary>Self-attention (+ guided attention over the words when <c>guided</c>) and a feed-forward block, each residual + layer norm.</summary>
    public sealed class Block : Module
    {
        private readonly MultiHeadAttention self;
        private readonly LayerNorm selfNorm;
        private readonly MultiHeadAttention? guide;
        private readonly LayerNorm? guideNorm;
        private readonly Sequential feedForward;
        private readonly LayerNorm feedNorm;

        public Block(int dim, int heads, bool guided) : base(nameof(Block))
        {
            self = new MultiHeadAttention(new AttentionConfig(dim, dim, Heads: heads));
            selfNorm = LayerNorm(dim);
            if (guided)
            {
                guide = new MultiHeadAttention(new AttentionConfig(dim, dim, Heads: heads));
                guideNorm = LayerNorm(dim);
            }
            feedForward = Sequential(Linear(dim, 2 * dim), ReLU(), Linear(2 * dim, dim));
            feedNorm = LayerNorm(dim);
            RegisterComponents();
        }

        /// <summary>A question layer: x = words, selfMask = wordMask. A region layer: selfMask = null, then guided by the words.</summary>
        public Tensor Run(Tensor x, Tensor? selfMask, Tensor words, Tensor wordMask)
        {
            bool questionLayer = guide is null;
            x = selfNorm.forward(x + self.forward(x, x, x, questionLayer ? wordMask : selfMask).Context);
            if (guide is not null) x = guideNorm!.forward(x + guide.forward(x, words, words, wordMask).Context);
            return feedNorm.forward(x + feedForward.forward(x));
        }
    }
}
