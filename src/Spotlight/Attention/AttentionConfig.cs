namespace Spotlight.Attention;

/// <summary>
/// Sizes of an attention module. <paramref name="QueryDim"/> is the size of one query vector (the decoder state, or the
/// model dimension for <see cref="MultiHeadAttention"/>); <paramref name="KeyDim"/> the size of one key/memory vector.
/// <paramref name="HiddenDim"/> is the width of the tanh layer of additive and concat attention; 0 means "same as
/// KeyDim". <paramref name="Heads"/> is used only by <see cref="MultiHeadAttention"/>. <paramref name="Dropout"/> is the
/// probability of dropping an attention weight, applied only in training mode.
/// </summary>
public sealed record AttentionConfig(int QueryDim, int KeyDim, int HiddenDim = 0, int Heads = 1, double Dropout = 0.0)
{
    /// <summary>The tanh layer's width: <see cref="HiddenDim"/>, or <see cref="KeyDim"/> when HiddenDim is 0.</summary>
    public int ResolvedHiddenDim => HiddenDim > 0 ? HiddenDim : KeyDim;

    /// <summary>Throws a one-line <see cref="SpotlightException"/> for the first bad value.</summary>
    public void Validate()
    {
        if (QueryDim <= 0) throw Bad($"QueryDim must be positive, got {QueryDim}");
        if (KeyDim <= 0) throw Bad($"KeyDim must be positive, got {KeyDim}");
        if (HiddenDim < 0) throw Bad($"HiddenDim must be 0 (same as KeyDim) or positive, got {HiddenDim}");
        if (Heads <= 0) throw Bad($"Heads must be positive, got {Heads}");
        if (!(Dropout >= 0.0 && Dropout < 1.0)) throw Bad($"Dropout must be in [0, 1), got {Dropout}");
    }

    private static SpotlightException Bad(string problem) => new($"attention config: {problem}");
}
