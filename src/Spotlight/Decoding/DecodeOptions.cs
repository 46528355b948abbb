using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Decoding;

/// <summary>How a hypothesis's log-probability is divided by its length (len counts &lt;end&gt; when finished).</summary>
public enum LengthPenaltyKind
{
    /// <summary>No normalisation: Score = LogProb (+ coverage penalty).</summary>
    None,
    /// <summary>len^α; α = 1 is the average log-probability per token.</summary>
    Average,
    /// <summary>((5 + len) / 6)^α (Wu et al. 2016, GNMT, §7).</summary>
    Gnmt,
}

/// <summary>
/// Settings shared by <see cref="Greedy"/> and <see cref="BeamSearch"/>.
/// <list type="bullet">
/// <item><c>MaxLength</c>: most decoding steps, i.e. most generated tokens counting &lt;end&gt;.
/// <c>MaxLengthPerItem</c> ((batch) integer tensor, e.g. source length × 1.5 for translation) lowers it per item:
/// an item's limit is min(MaxLength, MaxLengthPerItem[i]).</item>
/// <item><c>MinLength</c>: &lt;end&gt; is blocked until this many tokens have been generated.</item>
/// <item><c>NoRepeatNgram</c> n &gt; 0: a token that would complete an n-gram already present among the generated
/// tokens gets −∞.</item>
/// <item><c>CoverageBeta</c> β &gt; 0: GNMT coverage penalty β·Σ_sources log(min(Σ_t attention, 1)), added to the
/// score of complete hypotheses; needs a step function that returns attention. <c>SourceMask</c> ((batch, sources),
/// true or 1 where a source is real) leaves padded sources out of it.</item>
/// <item><c>BlockedTokens</c>: tokens never generated (their log-probability is set to −∞ at every step), e.g. a
/// captioner's &lt;unk&gt; and &lt;pad&gt;; must not include <c>EndToken</c>.</item>
/// <item><c>RepetitionPenalty</c> θ ≥ 1: the log-probability of a token already generated is multiplied by θ (CTRL's
/// penalty, on log-probabilities); hypotheses' LogProb and Score then include it, as the search ranked them.</item>
/// <item><c>NBest</c>: hypotheses returned per item by beam search (at most <c>BeamSize</c>).</item>
/// <item><c>Device</c>: where the decoder makes its token tensors; null: the device of the initial state's first
/// tensor, or the CPU when the state lists none (set it for a GPU model whose state lists no tensors).</item>
/// </list>
/// </summary>
public sealed record DecodeOptions(
    int BeamSize = 3,
    int MaxLength = 20,
    int StartToken = 1,
    int EndToken = 2,
    LengthPenaltyKind LengthPenalty = LengthPenaltyKind.None,
    double LengthAlpha = 0.0,
    double CoverageBeta = 0.0,
    int NoRepeatNgram = 0,
    int NBest = 1,
    int MinLength = 0,
    Tensor? MaxLengthPerItem = null,
    Tensor? SourceMask = null,
    Device? Device = null,
    int[]? BlockedTokens = null,
    double RepetitionPenalty = 1.0)
{
    /// <summary>Throws a one-line <see cref="SpotlightException"/> naming the first bad value.</summary>
    public void Validate()
    {
        Require(BeamSize >= 1, $"BeamSize must be at least 1 (got {BeamSize})");
        Require(MaxLength >= 1, $"MaxLength must be at least 1 (got {MaxLength})");
        Require(StartToken >= 0, $"StartToken must be a token id ≥ 0 (got {StartToken})");
        Require(EndToken >= 0, $"EndToken must be a token id ≥ 0 (got {EndToken})");
        Require(Enum.IsDefined(LengthPenalty), $"LengthPenalty {(int)LengthPenalty} is not a known kind");
        Require(double.IsFinite(LengthAlpha), $"LengthAlpha must be a finite number (got {LengthAlpha})");
        Require(double.IsFinite(CoverageBeta) && CoverageBeta >= 0,
            $"CoverageBeta must be a finite number ≥ 0 (got {CoverageBeta})");
        Require(NoRepeatNgram >= 0, $"NoRepeatNgram must be ≥ 0, 0 turning it off (got {NoRepeatNgram})");
        Require(NBest >= 1 && NBest <= BeamSize, $"NBest must be between 1 and BeamSize={BeamSize} (got {NBest})");
        Require(MinLength >= 0, $"MinLength must be ≥ 0 (got {MinLength})");
        Require(double.IsFinite(RepetitionPenalty) && RepetitionPenalty >= 1,
            $"RepetitionPenalty must be a finite number ≥ 1, 1 turning it off (got {RepetitionPenalty})");
        Require(BlockedTokens is null || BlockedTokens.All(t => t >= 0 && t != EndToken),
            $"BlockedTokens must be token ids ≥ 0 other than EndToken={EndToken}");
    }

    /// <summary>Each item's step limit: min(MaxLength, MaxLengthPerItem[i]).</summary>
    internal int[] ItemMaxLengths(int batchSize)
    {
        var limits = Enumerable.Repeat(MaxLength, batchSize).ToArray();
        if (MaxLengthPerItem is null) return limits;
        Require(MaxLengthPerItem.dim() == 1 && MaxLengthPerItem.shape[0] == batchSize,
            $"MaxLengthPerItem must have shape ({batchSize}) (got ({string.Join(", ", MaxLengthPerItem.shape)}))");
        Require(!MaxLengthPerItem.is_floating_point() && !MaxLengthPerItem.is_complex(),
            $"MaxLengthPerItem must be an integer tensor (got {MaxLengthPerItem.dtype})");
        using var scope = NewDisposeScope();
        var perItem = MaxLengthPerItem.to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        for (var i = 0; i < batchSize; i++)
        {
            Require(perItem[i] >= 1, $"MaxLengthPerItem[{i}] must be at least 1 (got {perItem[i]})");
            limits[i] = (int)Math.Min(MaxLength, perItem[i]);
        }
        return limits;
    }

    /// <summary>Each item's source mask as booleans, or null when every source counts.</summary>
    internal bool[][]? ItemSourceMasks(int batchSize)
    {
        if (SourceMask is null) return null;
        Require(SourceMask.dim() == 2 && SourceMask.shape[0] == batchSize,
            $"SourceMask must have shape ({batchSize}, sources) (got ({string.Join(", ", SourceMask.shape)}))");
        using var scope = NewDisposeScope();
        var flat = SourceMask.ne(0).cpu().data<bool>().ToArray();
        var sources = (int)SourceMask.shape[1];
        return Enumerable.Range(0, batchSize).Select(i => flat.AsSpan(i * sources, sources).ToArray()).ToArray();
    }

    private static void Require(bool ok, string problem)
    {
        if (!ok) throw new SpotlightException($"Decoding option {problem}.");
    }
}
