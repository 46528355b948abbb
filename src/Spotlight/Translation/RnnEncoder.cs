using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Translation;

/// <summary>
/// Bidirectional GRU/LSTM over the embedded source (Bahdanau et al. 2015 §3.2): h_j = [→h_j; ←h_j]. Sequences are
/// packed by length, so padding never enters either direction and a sentence encodes the same alone or in a batch.
/// </summary>
public sealed class RnnEncoder : Module<Tensor, Tensor, (Tensor Outputs, Tensor Forward, Tensor Backward)>
{
    private readonly Embedding embedding;
    private readonly Dropout dropout;
    private readonly GRU? gru;
    private readonly LSTM? lstm;

    public RnnEncoder(TranslatorConfig config) : base(nameof(RnnEncoder))
    {
        embedding = Embedding(config.SourceVocab, config.EmbedDim, padding_idx: 0);
        dropout = Dropout(config.Dropout);
        if (config.Cell == RnnCellKind.Gru) gru = GRU(config.EmbedDim, config.EncoderDim, batchFirst: true, bidirectional: true);
        else lstm = LSTM(config.EmbedDim, config.EncoderDim, batchFirst: true, bidirectional: true);
        RegisterComponents();
    }

    /// <summary>
    /// source (batch, S), mask (batch, S) → outputs (batch, S, 2·EncoderDim) with zeros at padding, the forward
    /// direction's last state (batch, EncoderDim) and the backward direction's state at the first token.
    /// </summary>
    public override (Tensor Outputs, Tensor Forward, Tensor Backward) forward(Tensor source, Tensor mask)
    {
        var lengths = mask.sum(1, type: ScalarType.Int64).cpu();
        var embedded = dropout.forward(embedding.forward(source));                 // (batch, S, embed)
        using var packed = nn.utils.rnn.pack_padded_sequence(embedded, lengths, batch_first: true, enforce_sorted: false);
        Tensor final;                                                              // (2, batch, EncoderDim)
        nn.utils.rnn.PackedSequence output;
        if (gru is not null) (output, final) = gru.call(packed, null);
        else
        {
            var (o, h, c) = lstm!.call(packed, null);
            c.Dispose();
            (output, final) = (o, h);
        }
        using (output)
        {
            var (padded, _) = nn.utils.rnn.pad_packed_sequence(output, batch_first: true, total_length: source.shape[1]);
            return (padded, final[0], final[1]);
        }
    }
}
