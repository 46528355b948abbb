using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Vqa;

/// <summary>
/// The question vector v_Q of Yang et al. 2016 §3.2: word embeddings through an LSTM, the hidden state after the last
/// real word. Questions are right-padded with id 0, so the states up to a question's length never see its padding and
/// a batch answers exactly as one question at a time.
/// </summary>
public sealed class QuestionEncoder : Module<Tensor, Tensor>
{
    private readonly Embedding embed;
    private readonly LSTM lstm;

    public QuestionEncoder(VqaConfig config) : base(nameof(QuestionEncoder))
    {
        embed = Embedding(config.QuestionVocabSize, config.EmbedDim, padding_idx: Text.Vocabulary.Pad);
        lstm = LSTM(config.EmbedDim, config.HiddenDim, batchFirst: true);
        RegisterComponents();
    }

    /// <param name="tokens">(batch, words) word ids, right-padded with 0</param>
    /// <returns>(batch, hidden)</returns>
    public override Tensor forward(Tensor tokens) => Encode(tokens).Last;

    /// <summary>Every word's state (batch, words, hidden), the last real word's (batch, hidden) and which words are real (batch, words).</summary>
    public (Tensor States, Tensor Last, Tensor Mask) Encode(Tensor tokens)
    {
        var mask = tokens.ne(Text.Vocabulary.Pad);
        var lengths = mask.sum(1).clamp_min(1);                               // (batch)
        var (states, _, _) = lstm.forward(embed.forward(tokens));             // (batch, words, hidden)
        var last = (lengths - 1).view(-1, 1, 1).expand(-1, 1, states.shape[2]);
        return (states, states.gather(1, last).squeeze(1), mask);
    }
}
