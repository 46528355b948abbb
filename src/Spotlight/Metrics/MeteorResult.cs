namespace Spotlight.Metrics;

/// <summary>
/// Corpus METEOR (from summed statistics, as METEOR's EVAL computes it), each item's own score, the modules that
/// ran, and the summed statistics.
/// </summary>
public sealed record MeteorResult(
    double Score,
    IReadOnlyDictionary<string, double> PerItem,
    IReadOnlyList<MeteorModule> Modules,
    MeteorStatistics Statistics);
