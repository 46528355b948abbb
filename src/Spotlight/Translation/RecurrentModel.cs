using Spotlight.Decoding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Translation;

/// <summary>
/// What the three RNN translators share: the bidirectional encoder, the target embedding, one GRU/LSTM cell, and a
/// teacher-forced <see cref="Forward"/> that runs the very <see cref="StepLogits"/> decoding uses, so training and
/// inference compute the same function.
/// </summary>
public abstract class RecurrentModel : Seq2SeqModel
{
    protected readonly RnnEncoder encoder;
    protected readonly Embedding targetEmbedding;
    protected readonly Dropout dropout;
    protected readonly GRUCell? gru;     // protected: RegisterComponents in the subclass only sees non-private fields
    protected readonly LSTMCell? lstm;

    public override Tensor TargetEmbeddings => targetEmbedding.weight!;

    protected RecurrentModel(string name, TranslatorConfig config, int cellInputDim) : base(name, config)
    {
        encoder = new RnnEncoder(config);
        targetEmbedding = Embedding(config.TargetVocab, config.EmbedDim, padding_idx: 0);
        dropout = Dropout(config.Dropout);
        if (config.Cell == RnnCellKind.Gru) gru = GRUCell(cellInputDim, config.DecoderDim);
        else lstm = LSTMCell(cellInputDim, config.DecoderDim);
    }

    /// <summary>
    /// One step from the embedded previous token (rows, EmbedDim): logits (rows, vocab), the next state, and this
    /// step's attention (rows, S) or null.
    /// </summary>
    protected abstract (Tensor Logits, RecurrentState State, Tensor? Attention) StepLogits(Tensor embedded, RecurrentState state);

    public override (Tensor Logits, Tensor? Attention) Forward(Tensor source, Tensor sourceMask, Tensor targetIn)
    {
        var state = (RecurrentState)Begin(source, sourceMask);
        var embedded = dropout.forward(targetEmbedding.forward(targetIn));       // (batch, T, embed)
        var logits = new List<Tensor>();
        var attention = new List<Tensor>();
        for (long t = 0; t < targetIn.shape[1]; t++)
        {
            var (stepLogits, next, weights) = StepLogits(embedded.select(1, t), state);
            logits.Add(stepLogits);
            if (weights is not null) attention.Add(weights);
            state = next;
        }
        return (stack(logits, 1), attention.Count > 0 ? stack(attention, 1) : null);  // (batch, T, V), (batch, T, S)
    }

    public override StepOutput Step(Tensor tokens, IDecoderState state)
    {
        var (logits, next, weights) = StepLogits(dropout.forward(targetEmbedding.forward(tokens)), (RecurrentState)state);
        return new StepOutput(logits.log_softmax(1), next, weights);
    }

    /// <summary>Advances the cell: (h, c) → (h', c'); c is null for a GRU.</summary>
    protected (Tensor H, Tensor? C) Cell(Tensor input, Tensor h, Tensor? c)
    {
        if (gru is not null) return (gru.forward(input, h), null);
        var (h2, c2) = lstm!.forward(input, (h, c!));
        return (h2, c2);
    }

    /// <summary>A zero LSTM memory cell for the initial state, or null for a GRU.</summary>
    protected Tensor? InitialCell(Tensor h) => lstm is null ? null : zeros_like(h);

    /// <summary>source (batch, S) with mask → encoder outputs (batch, S, 2E) and the summary [→h_last; ←h_1] (batch, 2E).</summary>
    protected (Tensor Outputs, Tensor Summary) Encode(Tensor source, Tensor sourceMask)
    {
        var (outputs, forwardLast, backwardFirst) = encoder.forward(source, sourceMask);
        return (outputs, cat([forwardLast, backwardFirst], 1));
    }
}
