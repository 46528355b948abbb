using Spotlight.Decoding;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Translation;

/// <summary>
/// The fixed-vector encoder-decoder that attention was invented to replace (Cho et al. 2014, "RNNencdec" in
/// Bahdanau et al. 2015): the whole source becomes one vector c, which starts the decoder and is fed at every step.
/// <code>
/// c = tanh(W_c [→h_last; ←h_1]),  s_0 = tanh(W_s c)
/// s_i = f(s_{i-1}, [E y_{i-1}; c]),  p(y_i | y_&lt;i, x) = softmax(W_o tanh(U_o [s_i; c; E y_{i-1}]))
/// </code>
/// Same encoder, cell and output layer sizes as <see cref="RnnSearchModel"/>; only the per-step context differs.
/// </summary>
public sealed class NoAttentionModel : RecurrentModel
{
    private readonly Linear summary;        // W_c
    private readonly Linear initial;        // W_s
    private readonly Linear deepOutput;     // U_o
    private readonly Linear output;         // W_o

    public NoAttentionModel(TranslatorConfig config)
        : base(nameof(NoAttentionModel), config, config.EmbedDim + 2 * config.EncoderDim)
    {
        summary = Linear(2 * config.EncoderDim, 2 * config.EncoderDim);
        initial = Linear(2 * config.EncoderDim, config.DecoderDim);
        deepOutput = Linear(config.DecoderDim + 2 * config.EncoderDim + config.EmbedDim, config.EmbedDim);
        output = Linear(config.EmbedDim, config.TargetVocab);
        RegisterComponents();
    }

    public override IDecoderState Begin(Tensor source, Tensor sourceMask)
    {
        var (_, lastStates) = Encode(source, sourceMask);
        var c = tanh(summary.forward(lastStates));                                 // (batch, 2E): the only view of the source
        var h = tanh(initial.forward(c));
        return new RecurrentState(h, InitialCell(h), c, null);
    }

    protected override (Tensor Logits, RecurrentState State, Tensor? Attention) StepLogits(Tensor embedded, RecurrentState state)
    {
        var c = state.Feed!;
        var (h, cell) = Cell(cat([embedded, c], 1), state.H, state.C);
        var hidden = tanh(deepOutput.forward(cat([h, c, embedded], 1)));
        return (output.forward(dropout.forward(hidden)), state with { H = h, C = cell }, null);
    }
}
