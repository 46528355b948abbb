using Spotlight.Attention;
using Spotlight.Decoding;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Translation;

/// <summary>
/// Global attention with input feeding (Luong, Pham &amp; Manning 2015, §3.1 and §3.3):
/// <code>
/// h_t = f(h_{t-1}, [E y_{t-1}; h̃_{t-1}])                 (input feeding: the last attentional vector is an input)
/// a_t = softmax_s(score(h_t, h̄_s)),  c_t = Σ_s a_ts h̄_s   (score: dot hᵀh̄, general hᵀW h̄, concat vᵀtanh(W[h; h̄]))
/// h̃_t = tanh(W_c [c_t; h_t]),  p(y_t | y_&lt;t, x) = softmax(W_s h̃_t)
/// </code>
/// The encoder is the shared bidirectional one; its states are mapped to DecoderDim once (h̄ = W_b h) so that the
/// dot score applies, and h_0 = tanh(W_0 [→h_last; ←h_1]), h̃_0 = 0.
/// </summary>
public sealed class LuongModel : RecurrentModel
{
    private readonly Linear bridge;         // W_b, 2E → DecoderDim
    private readonly Linear initial;        // W_0
    private readonly ScoredAttention attention;
    private readonly Linear combine;        // W_c
    private readonly Linear output;         // W_s

    public LuongModel(TranslatorConfig config)
        : base(nameof(LuongModel), config, config.EmbedDim + config.DecoderDim)
    {
        int d = config.DecoderDim;
        bridge = Linear(2 * config.EncoderDim, d, hasBias: false);
        initial = Linear(2 * config.EncoderDim, d);
        var sizes = new AttentionConfig(d, d, config.AttentionDim);
        attention = config.Score switch
        {
            LuongScore.Dot => new DotProductAttention(sizes),
            LuongScore.Concat => new ConcatAttention(sizes),
            _ => new GeneralAttention(sizes),
        };
        combine = Linear(2 * d, d, hasBias: false);
        output = Linear(d, config.TargetVocab);
        RegisterComponents();
    }

    public override IDecoderState Begin(Tensor source, Tensor sourceMask)
    {
        var (outputs, summary) = Encode(source, sourceMask);
        var h = tanh(initial.forward(summary));                                    // (batch, d)
        var memory = attention.Prepare(bridge.forward(outputs), sourceMask);      // h̄: (batch, S, d)
        return new RecurrentState(h, InitialCell(h), zeros_like(h), memory);
    }

    protected override (Tensor Logits, RecurrentState State, Tensor? Attention) StepLogits(Tensor embedded, RecurrentState state)
    {
        var (h, c) = Cell(cat([embedded, state.Feed!], 1), state.H, state.C);
        var (context, weights) = attention.Attend(state.Memory!, h);               // (rows, d), (rows, S)
        var attentional = tanh(combine.forward(cat([context, h], 1)));             // h̃_t
        return (output.forward(dropout.forward(attentional)), state with { H = h, C = c, Feed = attentional }, weights);
    }
}
