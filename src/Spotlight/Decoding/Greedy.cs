using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Decoding;

/// <summary>
/// Greedy decoding, batched: one step call per time step for all unfinished items; an item leaves the batch when
/// it emits &lt;end&gt; or reaches its maximum length. Uses StartToken, EndToken, MaxLength, MaxLengthPerItem,
/// MinLength, NoRepeatNgram and (for Score only) the length and coverage penalties; BeamSize and NBest are ignored.
/// </summary>
public static class Greedy
{
    /// <summary>One hypothesis per item, in item order. <paramref name="initial"/> has batchSize rows.</summary>
    public static IReadOnlyList<Hypothesis> Decode(DecodeStep step, IDecoderState initial, int batchSize,
        DecodeOptions options) => DecodeBy(step, initial, batchSize, options, scores => scores.max(1));

    /// <summary>
    /// One token per row and step, chosen by <paramref name="choose"/>: masked log-probabilities (rows, vocab) →
    /// (the chosen token's log-probability, the token), both (rows). Greedy takes the arg-max; <see cref="Sampler"/> draws.
    /// </summary>
    internal static IReadOnlyList<Hypothesis> DecodeBy(DecodeStep step, IDecoderState initial, int batchSize,
        DecodeOptions options, Func<Tensor, (Tensor Values, Tensor Indexes)> choose)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        options.Validate();
        var maxLengths = options.ItemMaxLengths(batchSize);
        var sourceMasks = options.ItemSourceMasks(batchSize);
        var results = new Hypothesis[batchSize];
        if (batchSize == 0) return results;

        using var noGrad = no_grad();
        using var decodeScope = NewDisposeScope();
        var device = options.Device ?? DecodeSupport.DeviceOf(initial);
        var items = Enumerable.Range(0, batchSize).ToList();      // the item of each row
        var paths = new List<PathNode?>(new PathNode?[batchSize]);
        var logProbs = new List<double>(new double[batchSize]);
        var state = initial;

        for (var t = 0; items.Count > 0; t++)
        {
            using var stepScope = NewDisposeScope();
            var output = step(DecodeSupport.InputTokens(paths, options.StartToken, device), state);
            var (_, sources) = DecodeSupport.Check(output, items.Count, options);
            // Masks write −∞ in place, so they get a copy: the step's own tensor may be held by the model.
            var scores = StepMasks.Needed(t, options) ? output.LogProbs.detach().clone() : output.LogProbs.detach();
            StepMasks.Apply(scores, paths, Enumerable.Repeat(true, items.Count).ToArray(), t, options);
            var (best, argmax) = choose(scores);
            var bestHost = best.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            var tokenHost = argmax.cpu().data<long>().ToArray();
            var attention = DecodeSupport.HostAttention(output);

            var keep = new List<int>();
            for (var row = 0; row < items.Count; row++)
            {
                var item = items[row];
                if (double.IsNegativeInfinity(bestHost[row]))
                {
                    // Every token is blocked: the path so far is all there is.
                    results[item] = PathNode.ToHypothesis(paths[row], logProbs[row], false, options, sourceMasks?[item]);
                    continue;
                }
                var token = (int)tokenHost[row];
                var path = new PathNode(token, DecodeSupport.AttentionRow(attention, sources, row), paths[row]);
                var logProb = logProbs[row] + bestHost[row];
                if (token == options.EndToken || path.Length >= maxLengths[item])
                {
                    var finished = token == options.EndToken;
                    results[item] = PathNode.ToHypothesis(path, logProb, finished, options, sourceMasks?[item]);
                    continue;
                }
                paths[row] = path;
                logProbs[row] = logProb;
                keep.Add(row);
            }
            if (keep.Count == 0) break;

            // Finished items leave the batch, so later steps only compute rows that still matter.
            var next = keep.Count == items.Count
                ? output.State
                : output.State.Select(DecodeSupport.Rows(keep.Select(r => (long)r), device));
            state = DecodeSupport.Keep(next, stepScope, decodeScope);
            items = keep.Select(r => items[r]).ToList();
            paths = keep.Select(r => paths[r]).ToList();
            logProbs = keep.Select(r => logProbs[r]).ToList();
        }
        return results;
    }
}
