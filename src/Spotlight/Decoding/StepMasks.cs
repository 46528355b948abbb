using static TorchSharp.torch;

namespace Spotlight.Decoding;

/// <summary>The constraints applied to a step's scores before choosing tokens: blocked tokens, MinLength and n-gram blocking.</summary>
internal static class StepMasks
{
    /// <summary>Whether <see cref="Apply"/> can change anything at this step.</summary>
    public static bool Needed(int step, DecodeOptions options) =>
        step < options.MinLength || (options.NoRepeatNgram > 0 && step > 0) || options.BlockedTokens is { Length: > 0 };

    /// <summary>
    /// Sets forbidden (row, token) entries of <paramref name="scores"/> (rows, vocab) to −∞ in place.
    /// <paramref name="paths"/>[row] is the row's path so far (null before the first token); rows whose
    /// <paramref name="live"/> is false are skipped (their scores are −∞ anyway).
    /// </summary>
    public static void Apply(Tensor scores, IReadOnlyList<PathNode?> paths, IReadOnlyList<bool> live, int step,
        DecodeOptions options)
    {
        // Every row has generated exactly `step` tokens, so MinLength blocks <end> in all rows or none.
        if (!Needed(step, options)) return;
        if (step < options.MinLength) scores.select(1, options.EndToken).fill_(double.NegativeInfinity);
        foreach (var token in options.BlockedTokens ?? [])
            if (token < scores.shape[1]) scores.select(1, token).fill_(double.NegativeInfinity);
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
}
