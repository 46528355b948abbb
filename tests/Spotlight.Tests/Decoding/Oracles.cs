using Spotlight.Decoding;
using static TorchSharp.torch;

namespace Spotlight.Tests.Decoding;

/// <summary>Reference computations the decoders are checked against; they share no code with the decoders' search.</summary>
internal static class Oracles
{
    /// <summary>
    /// Feeds a hypothesis's tokens (and &lt;end&gt; when finished) back through the step function for one item,
    /// one row at a time: the sum of the log-probs of those tokens, in order, and the attention row of each step.
    /// </summary>
    public static (double LogProb, float[][]? Attention) Replay(DecodeStep step, IDecoderState initial, int item,
        Hypothesis hypothesis, DecodeOptions options)
    {
        using var scope = NewDisposeScope();
        var state = initial.Select(tensor(new long[] { item }));
        var sequence = hypothesis.Finished ? hypothesis.Tokens.Append(options.EndToken) : hypothesis.Tokens;
        long previous = options.StartToken;
        var logProb = 0.0;
        var attention = new List<float[]>();
        foreach (var token in sequence)
        {
            var output = step(tensor(new[] { previous }), state);
            logProb += output.LogProbs[0, token].item<float>();
            if (output.Attention is not null) attention.Add(output.Attention[0].data<float>().ToArray());
            state = output.State;
            previous = token;
        }
        return (logProb, attention.Count > 0 ? attention.ToArray() : null);
    }

    /// <summary>
    /// Every hypothesis a decoder may return for one item, by exhaustive depth-first search: complete sequences
    /// (ending with &lt;end&gt; within <paramref name="maxLength"/> tokens, at least MinLength tokens before it) and
    /// unfinished ones of exactly <paramref name="maxLength"/> tokens; sequences (including &lt;end&gt;) rejected by
    /// <paramref name="allowed"/> are left out. Each list is sorted by score, best first.
    /// </summary>
    public static (List<Hypothesis> Finished, List<Hypothesis> Unfinished) Enumerate(DecodeStep step,
        IDecoderState initial, int item, DecodeOptions options, int maxLength,
        Func<IReadOnlyList<int>, bool>? allowed = null, bool[]? sourceMask = null)
    {
        using var scope = NewDisposeScope();
        var finished = new List<Hypothesis>();
        var unfinished = new List<Hypothesis>();

        void Expand(IDecoderState state, long previous, List<int> tokens, double logProb, List<float[]> attention)
        {
            var output = step(tensor(new[] { previous }), state);
            var logProbs = output.LogProbs[0].data<float>().ToArray();
            var row = output.Attention?[0].data<float>().ToArray();
            for (var token = 0; token < logProbs.Length; token++)
            {
                if (float.IsNegativeInfinity(logProbs[token])) continue;
                var sequence = tokens.Append(token).ToList();
                if (allowed is not null && !allowed(sequence)) continue;
                var total = logProb + logProbs[token];
                var path = row is null ? attention : attention.Append(row).ToList();
                var rows = row is null ? null : path.ToArray();
                if (token == options.EndToken)
                {
                    if (tokens.Count < options.MinLength) continue;
                    var score = HypothesisScore.Score(options, total, sequence.Count, rows, sourceMask);
                    finished.Add(new Hypothesis(tokens.ToArray(), total, score, true, rows));
                }
                else if (sequence.Count == maxLength)
                {
                    var score = HypothesisScore.Score(options, total, sequence.Count, rows, sourceMask);
                    unfinished.Add(new Hypothesis(sequence.ToArray(), total, score, false, rows));
                }
                else
                {
                    Expand(output.State, token, sequence, total, path);
                }
            }
        }

        Expand(initial.Select(tensor(new long[] { item })), options.StartToken, [], 0.0, []);
        return (finished.OrderByDescending(h => h.Score).ToList(), unfinished.OrderByDescending(h => h.Score).ToList());
    }

    /// <summary>The NBest a decoder should return: complete hypotheses first, then unfinished ones.</summary>
    public static List<Hypothesis> ExpectedBest(
        (List<Hypothesis> Finished, List<Hypothesis> Unfinished) all, int nBest) =>
        all.Finished.Concat(all.Unfinished).Take(nBest).ToList();

    /// <summary>Whether some n-gram occurs twice in <paramref name="tokens"/>.</summary>
    public static bool HasRepeatedNgram(IReadOnlyList<int> tokens, int n)
    {
        var seen = new HashSet<string>();
        for (var start = 0; start + n <= tokens.Count; start++)
        {
            if (!seen.Add(string.Join(",", tokens.Skip(start).Take(n)))) return true;
        }
        return false;
    }
}
