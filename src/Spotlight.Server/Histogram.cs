namespace Spotlight.Server;

/// <summary>
/// A Prometheus histogram: counts of observations at or below each upper bound, their sum and count. Buckets are
/// kept per interval and summed into Prometheus's cumulative form when written.
/// </summary>
public sealed class Histogram
{
    private readonly double[] bounds;
    private readonly long[] counts;   // counts[i]: bounds[i-1] < x ≤ bounds[i]; the last slot is (bounds[^1], +Inf)
    private readonly Lock gate = new();
    private double sum;

    public Histogram(IReadOnlyList<double> upperBounds)
    {
        if (upperBounds.Count == 0 || upperBounds.Zip(upperBounds.Skip(1)).Any(p => p.First >= p.Second))
            throw new ArgumentException("bucket bounds must be increasing and non-empty", nameof(upperBounds));
        bounds = [.. upperBounds];
        counts = new long[bounds.Length + 1];
    }

    public IReadOnlyList<double> UpperBounds => bounds;

    public void Observe(double value)
    {
        int slot = Array.BinarySearch(bounds, value);
        if (slot < 0) slot = ~slot;   // the first bound ≥ value (le is inclusive)
        lock (gate)
        {
            counts[slot]++;
            sum += value;
        }
    }

    /// <summary>Cumulative counts per bound (then +Inf), sum and count, taken together under the lock.</summary>
    public (long[] Cumulative, double Sum, long Count) Snapshot()
    {
        lock (gate)
        {
            var cumulative = new long[counts.Length];
            long running = 0;
            for (int i = 0; i < counts.Length; i++) cumulative[i] = running += counts[i];
            return (cumulative, sum, running);
        }
    }
}
