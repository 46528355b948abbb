using static TorchSharp.torch;

namespace Spotlight.Decoding;

/// <summary>
/// One decoding step for all rows at once. <paramref name="tokens"/> (rows) int64 is the previous token of each row
/// (the start token at the first step). Returns log-probabilities (rows, vocab), already log_softmax-ed so every
/// entry is ≤ 0 (the early-stopping bound relies on it), the next state, and optionally the attention weights of
/// this step (rows, sources), which belong to the token generated at this step.
/// </summary>
public delegate StepOutput DecodeStep(Tensor tokens, IDecoderState state);

/// <summary>What a <see cref="DecodeStep"/> returns: LogProbs (rows, vocab), the next state, Attention (rows, sources) or null.</summary>
public sealed record StepOutput(Tensor LogProbs, IDecoderState State, Tensor? Attention);
