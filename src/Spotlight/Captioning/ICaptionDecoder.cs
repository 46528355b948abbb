using Spotlight.Decoding;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>
/// What a captioner's decoder does over the encoder's regions: teacher forcing for training, and a start state plus a
/// step function for the shared greedy and beam search. <see cref="AttentionDecoder"/> (LSTM/GRU, Show-Attend-Tell)
/// and <see cref="TransformerCaptionDecoder"/> are the two.
/// </summary>
public interface ICaptionDecoder : ICaptionStepper
{
    /// <summary>
    /// Teacher forcing: regions (batch, n, featureDim), inputs (batch, T) → logits (batch, T, vocab) and the attention
    /// over the regions that each position used (batch, T, n). <paramref name="steps"/> (batch,) may say how many
    /// positions of each row matter (a decoder may skip the rest; the loss ignores them).
    /// </summary>
    (Tensor Logits, Tensor Alphas) forward(Tensor regions, Tensor inputs, Tensor? steps = null);

    /// <summary>The word embedding matrix E (vocab, embed): row i is word i's vector (the lab reads it; training may set it).</summary>
    Tensor WordEmbeddings { get; }
}

/// <summary>
/// What the shared greedy, beam and sampling searches need from a captioner's decoder: a start state for a batch of
/// images and one step. A decoder runs it in libtorch; <see cref="OnnxCaptionSteps"/> runs its ONNX export.
/// </summary>
public interface ICaptionStepper
{
    /// <summary>The decoding state for a batch of images: regions (batch, n, featureDim), prepared once per image.</summary>
    IDecoderState Start(Tensor regions);

    /// <summary>The step function of <see cref="Greedy"/> and <see cref="BeamSearch"/>: log-probabilities and α (rows, n).</summary>
    StepOutput DecodeStep(Tensor tokens, IDecoderState state);

    /// <summary>Frees what a decode kept outside dispose scopes (key/value caches); call once after decoding from <paramref name="initial"/>.</summary>
    void Release(IDecoderState initial) => (initial as IDisposable)?.Dispose();
}
