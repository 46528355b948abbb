using System.Globalization;

namespace Spotlight.Bench;

/// <summary>The arguments the benches share: <c>--threads N</c>, <c>--reps N</c>, and a folder of sample photos.</summary>
public static class BenchArgs
{
    /// <summary>The integer after <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public static int Int(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    /// <summary>The photos of the first argument that is a folder (default: the repository's samples/), sorted.</summary>
    public static (string Folder, List<string> Photos) Samples(string[] args)
    {
        var folder = args.FirstOrDefault(Directory.Exists) ?? "samples";
        return (folder, [.. Directory.GetFiles(folder).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal)]);
    }
}
