namespace Spotlight.Metrics;

/// <summary>
/// The metrics selectable by name (<c>--metrics bleu,rouge,cider-d,cider</c>). Another metric joins with one line,
/// e.g. <c>CaptionMetrics.Register("meteor", () => new DelegateCaptionMetric(["METEOR"], ...))</c>.
/// </summary>
public static class CaptionMetrics
{
    private static readonly Dictionary<string, Func<ICaptionMetric>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bleu"] = () => new Bleu(),
        ["rouge"] = () => new RougeL(),
        ["rouge-l"] = () => new RougeL(),
        ["cider-d"] = () => new CiderD(),
        ["ciderd"] = () => new CiderD(),
        ["cider"] = () => new Cider(),
        ["meteor"] = () => new MeteorCaptionMetric(),
    };

    private static readonly object Gate = new();

    public const string Default = "bleu,meteor,rouge,cider-d,cider";

    public static void Register(string name, Func<ICaptionMetric> factory)
    {
        lock (Gate) Factories[name] = factory;
    }

    /// <summary>
    /// Parses a comma-separated list; an unknown name is a SpotlightException listing the known ones.
    /// <paramref name="overrides"/> replaces the factory of a name for this call only (e.g. METEOR with the
    /// resource paths given on the command line), so no scorer is built twice.
    /// </summary>
    public static IReadOnlyList<ICaptionMetric> Parse(string list, IReadOnlyDictionary<string, Func<ICaptionMetric>>? overrides = null)
    {
        lock (Gate)
        {
            var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0) throw new SpotlightException("--metrics is empty; choose from " + Known());
            var metrics = new List<ICaptionMetric>();
            var seen = new HashSet<string>();
            foreach (var name in names)
            {
                if (!(overrides?.TryGetValue(name, out var factory) ?? false) && !Factories.TryGetValue(name, out factory))
                    throw new SpotlightException($"unknown metric \"{name}\"; choose from {Known()}");
                var metric = factory();
                if (seen.Add(string.Join(",", metric.Names))) metrics.Add(metric);
            }
            return metrics;
        }
    }

    private static string Known() => string.Join(", ", Factories.Keys.Order(StringComparer.Ordinal));
}
