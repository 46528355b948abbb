using static TorchSharp.torch;

namespace Spotlight.Decoding;

/// <summary>The constraints applied to a step's scores before choosing tokens: blocked tokens, MinLength and n-gram blocking.</summary>
internal static class StepMasks
{
    /// <summary>Whether <see cref="Apply"/> can change anything at this step.</summary>
    public static bool Needed(int step, DecodeOptions options) =>
        step < options.MinLength || (options.NoRepeatNgram > 0 && step > 0) || options.BlockedTokens is { Length: > 0 }
        || (options.RepetitionPenalty != 1.0 && step > 0);

    /// <summary>
    /// Sets forbidden (row, token) entries of <paramref name="scores"/> (rows, vocab) to −∞ in place.
    /// <paramref name="paths"/>[row] is the row's path so far (null before the first token); rows whose
    /// <paramref name="live"/> is false are skipped (their scores are −∞ anyway).
    /// </summary>
    /// <param name="offsets">per row, what <paramref name="scores"/> already holds besides this step's log-probability
    /// (beam search's running sums; null: nothing), so that the repetition penalty scales this step's part only</param>
    public static void Apply(Tensor scores, IReadOnlyList<PathNode?> paths, IReadOnlyList<bool> live, int step,
        DecodeOptions options, IReadOnlyList<double>? offsets = null)
    {
        // Every row has generated exactly `step` tokens, so MinLength blocks <end> in all rows or none.
        if (!Needed(step, options)) return;
        if (step < options.MinLength) scores.select(1, options.EndToken).fill_(double.NegativeInfinity);
        foreach (var token in options.BlockedTokens ?? [])
            if (token < scores.shape[1]) scores.select(1, token).fill_(double.NegativeInfinity);
        if (options.RepetitionPenalty != 1.0 && step > 0) Penalise(scores, paths, live, options.RepetitionPenalty, offsets);
        if (options.NoRepeatNgram == 0 || step == 0) return;

        var vocab = scores.shape[1];
        var flat = new List<long>();
        for (var row = 0; row < paths.Count; row++)
        {
            if (!live[row]) continue;
            foreach (var token in NgramBlocking.Blocked(paths[row], options.NoRepeatNgram))
            {
                if (token < vocab) flat.Add(row * vocab + token);
            }
        }
        if (flat.Count == 0) return;
        using var index = tensor(flat.ToArray(), device: scores.device);
        scores.view(-1).index_fill_(0, index, double.NegativeInfinity);
    }

    /// <summary>
    /// The repetition penalty of Keskar et al. 2019 (CTRL) on log-probabilities: every token already in a row's path
    /// gets log p · θ (θ &gt; 1 makes it less likely; log p ≤ 0 stays ≤ 0, as the beam's stopping bound needs).
    /// </summary>
    private static void Penalise(Tensor scores, IReadOnlyList<PathNode?> paths, IReadOnlyList<bool> live, double theta,
        IReadOnlyList<double>? offsets)
    {
        var vocab = scores.shape[1];
        var flat = new List<long>();
        var shift = new List<double>();      // (θ − 1) · offset: score' = offset + θ (score − offset)
        for (var row = 0; row < paths.Count; row++)
        {
            if (!live[row]) continue;
            var seen = new HashSet<int>();
            for (var node = paths[row]; node is not null; node = node.Parent)
                if (node.Token < vocab && seen.Add(node.Token))
                {
                    flat.Add(row * vocab + node.Token);
                    shift.Add((theta - 1) * (offsets?[row] ?? 0));
                }
        }
        if (flat.Count == 0) return;
        using var scope = NewDisposeScope();
        var index = tensor(flat.ToArray(), device: scores.device);
        var view = scores.view(-1);
        var shifted = view.index_select(0, index) * theta - tensor(shift.ToArray(), device: scores.device).to_type(scores.dtype);
        view.index_copy_(0, index, shifted);
    }
}
