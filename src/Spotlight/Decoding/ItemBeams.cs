namespace Spotlight.Decoding;

/// <summary>
/// What beam search keeps per item besides its open beams: the best complete hypotheses found so far (kept aside
/// until no open beam can beat them), the unfinished fallbacks, and the stopping rule.
/// </summary>
internal sealed class ItemBeams(int maxLength, bool[]? sourceMask, DecodeOptions options)
{
    private readonly List<Hypothesis> finished = [];     // best first, at most NBest
    private readonly List<Hypothesis> unfinished = [];

    public int MaxLength { get; } = maxLength;
    public bool[]? SourceMask { get; } = sourceMask;
    public void AddFinished(Hypothesis hypothesis) => Insert(finished, hypothesis);

    /// <summary>
    /// The item reached its maximum length: when fewer than NBest hypotheses reached &lt;end&gt;, its open beams become
    /// the unfinished fallbacks (they are MaxLength tokens long, so distinct from every shorter complete one).
    /// </summary>
    public void EndAtMaxLength(IEnumerable<(PathNode? Path, double LogProb)> open)
    {
        if (finished.Count >= options.NBest) return;
        foreach (var (path, logProb) in open) Insert(unfinished, Unfinished(path, logProb));
    }

    /// <summary>
    /// Every continuation of the item is blocked (−∞): when nothing finished, its current beams are the fallbacks.
    /// (With a complete hypothesis present they are not added: one of them would repeat its tokens.)
    /// </summary>
    public void EndBlocked(IEnumerable<(PathNode? Path, double LogProb)> current)
    {
        if (finished.Count > 0) return;
        foreach (var (path, logProb) in current) Insert(unfinished, Unfinished(path, logProb));
    }

    /// <summary>
    /// The item is done when it holds NBest complete hypotheses and the worst of them scores at least the best any
    /// open beam could still reach (<see cref="HypothesisScore.UpperBound"/>); open beams are then pruned for good.
    /// </summary>
    public bool CanStop(double bestOpenLogProb, int nextLength)
    {
        if (finished.Count < options.NBest) return false;
        var bound = HypothesisScore.UpperBound(options, bestOpenLogProb, nextLength, MaxLength);
        return finished[options.NBest - 1].Score >= bound;
    }

    /// <summary>
    /// Up to NBest hypotheses: complete ones by score, best first; when fewer than NBest reached &lt;end&gt;, the best
    /// unfinished beams follow (also by score).
    /// </summary>
    public IReadOnlyList<Hypothesis> Results() =>
        finished.Concat(unfinished).Take(options.NBest).ToArray();

    private Hypothesis Unfinished(PathNode? path, double logProb) =>
        PathNode.ToHypothesis(path, logProb, false, options, SourceMask);

    private void Insert(List<Hypothesis> list, Hypothesis hypothesis)
    {
        // Stable: among equal scores the earlier (shorter, found first) hypothesis stays ahead.
        var at = list.FindIndex(h => h.Score < hypothesis.Score);
        list.Insert(at < 0 ? list.Count : at, hypothesis);
        if (list.Count > options.NBest) list.RemoveAt(list.Count - 1);
    }
}
