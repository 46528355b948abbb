using System.Text.RegularExpressions;
using Spotlight.Captioning.Data;

namespace Spotlight.Classification;

/// <summary>
/// A real-photo classification task made from a captioning data set (the seed's "cats and dogs" on the photos we
/// have): a photo belongs to a class when at least <see cref="Config.MinCaptions"/> of its captions name the class
/// (any of its words) and no other class reaches that; photos that no class or two classes reach are left out. The
/// photos keep the data set's splits and are linked (or copied) into <c>DIR/{train,val,test}/CLASS/</c>.
/// </summary>
public static partial class CaptionClasses
{
    /// <param name="Classes">class name → the words that name it (lower case, whole words)</param>
    public sealed record Config(IReadOnlyDictionary<string, string[]> Classes, int MinCaptions = 3)
    {
        /// <summary>dog, bicycle, snow and beach, with their plurals and common synonyms.</summary>
        public static Config Default => new(new Dictionary<string, string[]>
        {
            ["dog"] = ["dog", "dogs", "puppy", "puppies"],
            ["bicycle"] = ["bicycle", "bicycles", "bike", "bikes", "cyclist", "cyclists", "biker", "bikers"],
            ["snow"] = ["snow", "snowy"],
            ["beach"] = ["beach", "beaches"],
        });

        /// <summary>Classes named on the command line: each word with its plural ("dog" → dog, dogs).</summary>
        public static Config Of(IEnumerable<string> names, int minCaptions)
        {
            var defaults = Default.Classes;
            var classes = names.Select(n => n.Trim().ToLowerInvariant()).Where(n => n.Length > 0).Distinct()
                .ToDictionary(n => n, n => defaults.TryGetValue(n, out var words) ? words : [n, n + "s", n + "es"]);
            return new Config(classes, minCaptions);
        }

        public void Validate()
        {
            if (Classes.Count < 2) throw new SpotlightException($"--classes needs at least 2 classes, got {Classes.Count}");
            if (Classes.Keys.FirstOrDefault(c => !WordPattern().IsMatch(c)) is { } bad)
                throw new SpotlightException($"--classes: '{bad}' is not a word (letters only; it names a folder)");
            if (MinCaptions < 1) throw new SpotlightException($"--min-captions must be at least 1, got {MinCaptions}");
        }
    }

    /// <summary>What was written: photos per split and class, and how many photos were left out for naming two classes.</summary>
    public sealed record Summary(IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Counts, int Ambiguous, int Unnamed, bool Copied);

    /// <summary>The class a photo's captions name, or null (none, or more than one, reaches the minimum).</summary>
    public static string? ClassOf(IReadOnlyList<string> captions, Config config, out bool ambiguous)
    {
        var words = captions.Select(c => Words().Matches(c.ToLowerInvariant()).Select(m => m.Value).ToHashSet()).ToList();
        var reached = config.Classes.Where(c => words.Count(w => c.Value.Any(w.Contains)) >= config.MinCaptions).Select(c => c.Key).ToList();
        ambiguous = reached.Count > 1;
        return reached.Count == 1 ? reached[0] : null;
    }

    public static Summary Write(CaptionDataset dataset, Config config, string directory, bool copy = false)
    {
        config.Validate();
        if (File.Exists(directory)) throw new SpotlightException($"{directory}: exists and is a file, not a directory");
        var counts = ImageFolderData.Splits.ToDictionary(s => s, _ => config.Classes.Keys.ToDictionary(c => c, _ => 0));
        int ambiguous = 0, unnamed = 0;
        bool copied = copy;
        foreach (var image in dataset.Images)
        {
            var split = image.Split switch { "train" or "val" or "test" => image.Split, "dev" or "valid" or "restval" => "val", _ => null };
            if (split is null) continue;
            var label = ClassOf(image.Captions, config, out bool twoClasses);
            if (label is null)
            {
                if (twoClasses) ambiguous++; else unnamed++;
                continue;
            }
            var folder = Path.Combine(directory, split, label);
            Directory.CreateDirectory(folder);
            var target = Path.Combine(folder, Path.GetFileName(image.ImagePath));
            if (!File.Exists(target))
            {
                // A link costs nothing; where the file system has none, a copy.
                if (!copied)
                {
                    try { File.CreateSymbolicLink(target, Path.GetFullPath(image.ImagePath)); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException) { copied = true; }
                }
                if (copied) File.Copy(image.ImagePath, target);
            }
            counts[split][label]++;
        }
        foreach (var split in ImageFolderData.Splits)
            if (counts[split].FirstOrDefault(c => c.Value == 0) is { Key: { } empty })
                throw new SpotlightException($"{dataset.Source}: no {split} photo is named '{empty}' in {config.MinCaptions}+ captions; choose other classes or a lower --min-captions");
        return new Summary(counts.ToDictionary(s => s.Key, s => (IReadOnlyDictionary<string, int>)s.Value), ambiguous, unnamed, copied);
    }

    [GeneratedRegex("[a-z]+")]
    private static partial Regex Words();

    [GeneratedRegex("^[a-z]+$")]
    private static partial Regex WordPattern();
}
