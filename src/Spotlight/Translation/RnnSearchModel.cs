using Spotlight.Attention;
using Spotlight.Decoding;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Translation;

/// <summary>
/// RNNsearch (Bahdanau, Cho &amp; Bengio 2015). With encoder states h_j = [→h_j; ←h_j]:
/// <code>
/// s_0 = tanh(W_s ←h_1)
/// c_i = Σ_j α_ij h_j,  α_i = softmax_j(vᵀ tanh(W_a s_{i-1} + U_a h_j))      (additive attention, eq. 6)
/// s_i = f(s_{i-1}, [E y_{i-1}; c_i])                                        (GRU or LSTM)
/// p(y_i | y_&lt;i, x) = softmax(W_o tanh(U_o [s_i; c_i; E y_{i-1}]))         (deep output, without maxout)
/// </code>
/// The attention is queried with the state before the step, as in the paper (Luong's variant queries after it).
/// </summary>
public sealed class RnnSearchModel : RecurrentModel
{
    private readonly Linear initial;        // W_s
    private readonly AdditiveAttention attention;
    private readonly Linear deepOutput;     // U_o
    private readonly Linear output;         // W_o

    public RnnSearchModel(TranslatorConfig config)
        : base(nameof(RnnSearchModel), config, config.EmbedDim + 2 * config.EncoderDim)
    {
        initial = Linear(config.EncoderDim, config.DecoderDim);
        attention = new AdditiveAttention(new AttentionConfig(config.DecoderDim, 2 * config.EncoderDim, config.AttentionDim));
        deepOutput = Linear(config.DecoderDim + 2 * config.EncoderDim + config.EmbedDim, config.EmbedDim);
        output = Linear(config.EmbedDim, config.TargetVocab);
        RegisterComponents();
    }

    public override IDecoderState Begin(Tensor source, Tensor sourceMask)
    {
        var (outputs, _, backwardFirst) = encoder.forward(source, sourceMask);
        var h = tanh(initial.forward(backwardFirst));                              // (batch, DecoderDim)
        return new RecurrentState(h, InitialCell(h), null, attention.Prepare(outputs, sourceMask));
    }

    protected override (Tensor Logits, RecurrentState State, Tensor? Attention) StepLogits(Tensor embedded, RecurrentState state)
    {
        var (context, weights) = attention.Attend(state.Memory!, state.H);        // (rows, 2E), (rows, S)
        var (h, c) = Cell(cat([embedded, context], 1), state.H, state.C);
        var hidden = tanh(deepOutput.forward(cat([h, context, embedded], 1)));
        return (output.forward(dropout.forward(hidden)), state with { H = h, C = c }, weights);
    }
}
