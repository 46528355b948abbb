namespace Spotlight.Decoding;

/// <summary>
/// The score decoders rank complete hypotheses by: LogProb / lp(len) + cp, with lp from
/// <see cref="LengthPenaltyKind"/> and cp the GNMT coverage penalty (Wu et al. 2016, eq. 14).
/// </summary>
public static class HypothesisScore
{
    /// <summary>Coverage is floored here so an unattended source costs β·log(1e-10) instead of −∞.</summary>
    private const double CoverageFloor = 1e-10;

    /// <summary>lp(len): 1, len^α, or ((5 + len) / 6)^α.</summary>
    public static double LengthPenalty(LengthPenaltyKind kind, double alpha, int length) => kind switch
    {
        LengthPenaltyKind.None => 1.0,
        LengthPenaltyKind.Average => Math.Pow(length, alpha),
        LengthPenaltyKind.Gnmt => Math.Pow((5.0 + length) / 6.0, alpha),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown length penalty"),
    };

    /// <summary>
    /// cp = β·Σ_sources log(min(Σ_t attention[t][source], 1)) over the sources where <paramref name="sourceMask"/>
    /// is true (all when null). Always ≤ 0, and 0 when β = 0 or there is no attention.
    /// </summary>
    public static double CoveragePenalty(double beta, IReadOnlyList<float[]>? attention, bool[]? sourceMask)
    {
        if (beta == 0 || attention is null || attention.Count == 0) return 0;
        var sources = attention[0].Length;
        var penalty = 0.0;
        for (var s = 0; s < sources; s++)
        {
            if (sourceMask is not null && !sourceMask[s]) continue;
            var coverage = 0.0;
            foreach (var row in attention) coverage += row[s];
            penalty += Math.Log(Math.Clamp(coverage, CoverageFloor, 1.0));
        }
        return beta * penalty;
    }

    /// <summary>The full score of a hypothesis of <paramref name="length"/> tokens (counting &lt;end&gt;).</summary>
    public static double Score(DecodeOptions options, double logProb, int length,
        IReadOnlyList<float[]>? attention, bool[]? sourceMask) =>
        logProb / LengthPenalty(options.LengthPenalty, options.LengthAlpha, length)
        + CoveragePenalty(options.CoverageBeta, attention, sourceMask);

    /// <summary>
    /// The highest score any continuation of an open hypothesis with log-probability <paramref name="logProb"/> can
    /// reach when it completes at a length in [<paramref name="minLength"/>, <paramref name="maxLength"/>]: further
    /// tokens only lower the log-probability (log-probs ≤ 0), the coverage penalty is at most 0, and lp is monotone
    /// in len, so the best case is the current log-probability divided by the most favourable end of the range.
    /// </summary>
    public static double UpperBound(DecodeOptions options, double logProb, int minLength, int maxLength)
    {
        if (minLength > maxLength) return double.NegativeInfinity;   // nothing can complete any more
        var atMin = LengthPenalty(options.LengthPenalty, options.LengthAlpha, minLength);
        var atMax = LengthPenalty(options.LengthPenalty, options.LengthAlpha, maxLength);
        return logProb <= 0 ? logProb / Math.Max(atMin, atMax) : logProb / Math.Min(atMin, atMax);
    }
}
