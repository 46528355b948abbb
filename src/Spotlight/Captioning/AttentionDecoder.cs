using Spotlight.Attention;
using Spotlight.Decoding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Captioning;

/// <summary>The decoder's recurrent state for a batch of rows (images × beams): h, c (LSTM only) and the prepared regions.</summary>
public sealed record CaptionDecoderState(Tensor H, Tensor? C, AttentionMemory Memory) : IDecoderState
{
    public IDecoderState Select(Tensor rowIndices) =>
        new CaptionDecoderState(H.index_select(0, rowIndices), C?.index_select(0, rowIndices), Memory.Select(rowIndices));

    /// <summary>The first <paramref name="rows"/> rows (views).</summary>
    public CaptionDecoderState Take(long rows) => new(H.narrow(0, 0, rows), C?.narrow(0, 0, rows), Memory.Take(rows));

    public IEnumerable<Tensor> Tensors
    {
        get
        {
            yield return H;
            if (C is not null) yield return C;
            yield return Memory.Values;
            yield return Memory.Keys;
            if (Memory.Mask is not null) yield return Memory.Mask;
        }
    }
}

/// <summary>
/// Show, Attend and Tell's decoder (Xu et al. 2015, §3.1.2): at each word the previous hidden state queries the
/// image regions, a gate β = σ(W_β h) scales the context (§4.2.1), and an LSTM (or GRU) cell consumes the previous
/// word's embedding with the gated context.
/// </summary>
public sealed class AttentionDecoder : Module, ICaptionDecoder
{
    private readonly Embedding embedding;
    private readonly Module attentionModule;
    private readonly IStepAttention attention;
    private readonly Linear? queryProjection;   // only scaled dot-product: maps h to the key size
    private readonly Linear gate;               // f_β
    private readonly Linear initH;
    private readonly Linear? initC;
    private readonly LSTMCell? lstm;
    private readonly GRUCell? gru;
    private readonly Dropout dropout;
    private readonly Linear output;
    private readonly bool initFromMean;

    public AttentionDecoder(CaptionerConfig config, int featureDim) : base(nameof(AttentionDecoder))
    {
        initFromMean = config.InitFromMeanRegion;
        embedding = Embedding(config.VocabSize, config.EmbedDim);
        switch (config.Attention)
        {
            case AttentionKind.Additive:
                var additive = new AdditiveAttention(new AttentionConfig(config.DecoderDim, featureDim, config.AttentionDim));
                (attentionModule, attention) = (additive, additive);
                break;
            case AttentionKind.ScaledDot:
                var scaled = new ScaledDotProductAttention(new AttentionConfig(featureDim, featureDim));
                (attentionModule, attention) = (scaled, scaled);
                queryProjection = Linear(config.DecoderDim, featureDim);
                break;
            default:
                var multi = new MultiHeadAttention(new AttentionConfig(config.DecoderDim, featureDim, Heads: config.Heads));
                (attentionModule, attention) = (multi, multi);
                break;
        }
        gate = Linear(config.DecoderDim, attention.ContextDim);
        initH = Linear(featureDim, config.DecoderDim);
        if (config.Cell == DecoderCellKind.Lstm)
        {
            initC = Linear(featureDim, config.DecoderDim);
            lstm = LSTMCell(config.EmbedDim + attention.ContextDim, config.DecoderDim);
        }
        else
        {
            gru = GRUCell(config.EmbedDim + attention.ContextDim, config.DecoderDim);
        }
        dropout = Dropout(config.Dropout);
        output = Linear(config.DecoderDim, config.VocabSize);
        RegisterComponents();
    }

    /// <summary>The word embedding matrix E (vocab, embed): row i is word i's vector (the lab reads it; training may set it).</summary>
    public Tensor WordEmbeddings => embedding.weight!;

    /// <summary>h₀ and c₀ from the mean annotation vector (§3.1.2), regions prepared once for every later step.</summary>
    public CaptionDecoderState Start(Tensor regions)             // regions (batch, n, featureDim)
    {
        // With InitFromMeanRegion off, h₀/c₀ are learned constants (the biases): the image then reaches the decoder
        // only through attention, which makes attention carry the content instead of the initial state.
        var mean = initFromMean ? regions.mean([1]) : torch.zeros(regions.shape[0], regions.shape[2], dtype: regions.dtype, device: regions.device);
        var h = initH.forward(mean);
        var c = initC?.forward(mean);
        return new CaptionDecoderState(h, c, attention.Prepare(regions, null));
    }

    IDecoderState ICaptionStepper.Start(Tensor regions) => Start(regions);

    /// <summary>One word: returns the logits (batch, vocab), the new state and α (batch, n).</summary>
    public (Tensor Logits, CaptionDecoderState State, Tensor Alpha) Step(Tensor previousTokens, CaptionDecoderState state)
    {
        var (h, next, alpha) = Recur(embedding.forward(previousTokens), state);
        return (output.forward(dropout.forward(h)), next, alpha);
    }

    /// <summary>The recurrence without the output layer: embedded (batch, embed) → h (batch, decoder), state, α.</summary>
    private (Tensor H, CaptionDecoderState State, Tensor Alpha) Recur(Tensor embedded, CaptionDecoderState state)
    {
        var query = queryProjection is null ? state.H : queryProjection.forward(state.H);
        var (context, alpha) = attention.Attend(state.Memory, query);        // (batch, ctx), (batch, n)
        var gated = functional.sigmoid(gate.forward(state.H)) * context;      // β_t · z_t
        var input = torch.cat([embedded, gated], 1);
        Tensor h;
        Tensor? c = null;
        if (lstm is not null) (h, c) = lstm.forward(input, (state.H, state.C!));
        else h = gru!.forward(input, state.H);
        return (h, new CaptionDecoderState(h, c, state.Memory), alpha);
    }

    /// <summary>Adapter for the shared decoders in <see cref="Spotlight.Decoding"/>.</summary>
    public StepOutput DecodeStep(Tensor tokens, IDecoderState state)
    {
        var (logits, next, alpha) = Step(tokens, (CaptionDecoderState)state);
        return new StepOutput(functional.log_softmax(logits, 1), next, alpha);
    }

    /// <summary>
    /// Teacher forcing over a whole batch: inputs (batch, T) → logits (batch, T, vocab), α (batch, T, n). With
    /// <paramref name="steps"/> (batch,), row b is computed for its first steps[b] positions only, as the PyTorch
    /// tutorial does with its decode lengths: rows are sorted longest first so the rows still running are always a
    /// prefix, and the positions past a row's end get zero logits and zero α (the loss ignores them). The output
    /// layer runs once over all positions rather than once per step.
    /// </summary>
    public (Tensor Logits, Tensor Alphas) forward(Tensor regions, Tensor inputs, Tensor? steps = null)
    {
        long batch = inputs.shape[0], length = inputs.shape[1];
        Tensor? order = null;
        long[] running;
        if (steps is null) running = Enumerable.Repeat(length, (int)batch).ToArray();
        else
        {
            var (sorted, indices) = steps.sort(descending: true);
            order = indices;
            running = sorted.cpu().data<long>().ToArray();
            regions = regions.index_select(0, order);
            inputs = inputs.index_select(0, order);
        }
        var state = Start(regions);
        var embedded = embedding.forward(inputs);                              // (batch, T, embed)
        var hs = new List<Tensor>();
        var alphas = new List<Tensor>();
        for (long t = 0; t < running[0]; t++)                                  // running[0]: the longest row
        {
            long active = running.Count(r => r > t);
            if (active < state.H.shape[0]) state = state.Take(active);
            var (h, next, alpha) = Recur(embedded[..(int)active, (int)t], state);
            hs.Add(PadRows(h, batch));
            alphas.Add(PadRows(alpha, batch));
            state = next;
        }
        // Positions after the longest row (a batch padded beyond it) stay zero, like every row's padding.
        long tail = length - hs.Count;
        var logits = output.forward(dropout.forward(PadTime(torch.stack(hs, 1), tail)));   // (batch, T, vocab)
        var alphaStack = PadTime(torch.stack(alphas, 1), tail);                             // (batch, T, n)
        if (order is null) return (logits, alphaStack);
        var restore = order.argsort();
        return (logits.index_select(0, restore), alphaStack.index_select(0, restore));
    }

    private static Tensor PadTime(Tensor x, long extra) => extra == 0 ? x : functional.pad(x, [0, 0, 0, extra]);

    private static Tensor PadRows(Tensor x, long rows) =>
        x.shape[0] == rows ? x : functional.pad(x, [0, 0, 0, rows - x.shape[0]]);
}
