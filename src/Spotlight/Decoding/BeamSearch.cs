using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Decoding;

/// <summary>
/// Beam search, batched over items: one step call per time step for all items still decoding, and one top-k over
/// (beam × vocab) per item in a single batched topk.
/// <para>Rows are item-major: row = item × BeamSize + beam (items that are done leave the batch, so "item" counts
/// the items still decoding). The first step runs on the batchSize rows of <c>initial</c> as they are (one open
/// beam per item, so beams never start as duplicates); its top candidates are expanded to BeamSize rows per item
/// through <see cref="IDecoderState.Select"/>.</para>
/// <para>Each step ranks, per item, the 2×BeamSize best continuations by log-probability (equal length, so the
/// length penalty would not reorder them). An &lt;end&gt; candidate ranked within the first BeamSize becomes a
/// complete hypothesis scored with the length and coverage penalties and is kept aside; the BeamSize best other
/// candidates stay open. See <see cref="ItemBeams.CanStop"/> for when an item stops.</para>
/// </summary>
public static class BeamSearch
{
    /// <summary>Per item, in item order: up to NBest hypotheses (see <see cref="ItemBeams.Results"/>).</summary>
    public static IReadOnlyList<IReadOnlyList<Hypothesis>> Decode(DecodeStep step, IDecoderState initial,
        int batchSize, DecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        options.Validate();
        var maxLengths = options.ItemMaxLengths(batchSize);
        var sourceMasks = options.ItemSourceMasks(batchSize);
        var beams = Enumerable.Range(0, batchSize)
            .Select(i => new ItemBeams(maxLengths[i], sourceMasks?[i], options)).ToArray();
        if (batchSize == 0) return [];

        using var noGrad = no_grad();
        using var decodeScope = NewDisposeScope();
        var device = options.Device ?? DecodeSupport.DeviceOf(initial);
        var beamSize = options.BeamSize;
        var active = Enumerable.Range(0, batchSize).ToList();    // items still decoding, in row order
        var width = 1;                                           // rows per active item
        var paths = new List<PathNode?>(new PathNode?[batchSize]);
        var logProbs = new List<double>(new double[batchSize]);  // −∞ marks a dead row (padding, see below)
        var state = initial;

        for (var t = 0; active.Count > 0; t++)
        {
            using var stepScope = NewDisposeScope();
            var output = step(DecodeSupport.InputTokens(paths, options.StartToken, device), state);
            var (vocab, sources) = DecodeSupport.Check(output, paths.Count, options);
            var scores = DecodeSupport.CandidateScores(output, logProbs, device);
            StepMasks.Apply(scores, paths, logProbs.Select(double.IsFinite).ToArray(), t, options, logProbs);
            var candidates = (int)Math.Min(2L * beamSize, (long)width * vocab);
            var (top, index) = scores.view(active.Count, width * vocab).topk(candidates, dim: 1);
            var topHost = top.cpu().data<double>().ToArray();
            var indexHost = index.cpu().data<long>().ToArray();
            var attention = DecodeSupport.HostAttention(output);

            var nextActive = new List<int>();
            var nextPaths = new List<PathNode?>();
            var nextLogProbs = new List<double>();
            var parents = new List<long>();
            for (var a = 0; a < active.Count; a++)
            {
                var item = beams[active[a]];
                var first = nextPaths.Count;
                for (var j = 0; j < candidates; j++)
                {
                    var value = topHost[a * candidates + j];
                    if (double.IsNegativeInfinity(value)) break;            // sorted: only −∞ follows
                    var row = a * width + (int)(indexHost[a * candidates + j] / vocab);
                    var token = (int)(indexHost[a * candidates + j] % vocab);
                    var isEnd = token == options.EndToken;
                    if (isEnd ? j >= beamSize : nextPaths.Count - first == beamSize) continue;
                    var path = new PathNode(token, DecodeSupport.AttentionRow(attention, sources, row), paths[row]);
                    if (isEnd)
                    {
                        item.AddFinished(PathNode.ToHypothesis(path, value, true, options, item.SourceMask));
                        continue;
                    }
                    nextPaths.Add(path);
                    nextLogProbs.Add(value);
                    parents.Add(row);
                }

                var opened = nextPaths.Count - first;
                bool goesOn;
                if (opened == 0)
                {
                    item.EndBlocked(Enumerable.Range(a * width, width).Where(r => double.IsFinite(logProbs[r]))
                        .Select(r => (paths[r], logProbs[r])));
                    goesOn = false;
                }
                else if (t + 1 >= item.MaxLength)
                {
                    item.EndAtMaxLength(Enumerable.Range(first, opened).Select(r => (nextPaths[r], nextLogProbs[r])));
                    goesOn = false;
                }
                else
                {
                    // Open beams are sorted, so the first has the best log-probability; completions are ≥ 1 token longer.
                    goesOn = !item.CanStop(nextLogProbs[first], t + 2);
                }
                if (!goesOn)
                {
                    nextPaths.RemoveRange(first, opened);
                    nextLogProbs.RemoveRange(first, opened);
                    parents.RemoveRange(first, opened);
                    continue;
                }
                // Dead rows pad the item to BeamSize rows so every item has the same width in the batched top-k;
                // their −∞ log-probability keeps every continuation of them out of the top candidates.
                for (var pad = opened; pad < beamSize; pad++)
                {
                    nextPaths.Add(nextPaths[first]);
                    nextLogProbs.Add(double.NegativeInfinity);
                    parents.Add(parents[first]);
                }
                nextActive.Add(active[a]);
            }
            if (nextActive.Count == 0) break;

            state = DecodeSupport.Keep(output.State.Select(DecodeSupport.Rows(parents, device)), stepScope, decodeScope);
            active = nextActive;
            paths = nextPaths;
            logProbs = nextLogProbs;
            width = beamSize;
        }
        return beams.Select(b => b.Results()).ToArray();
    }
}
