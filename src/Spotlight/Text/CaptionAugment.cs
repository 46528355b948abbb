using System.Text.RegularExpressions;

namespace Spotlight.Text;

/// <summary>
/// Caption changes that go with an image augmentation. A horizontal flip turns "left" into "right" and back; every
/// other word in the synthetic grammar (shapes are mirror-symmetric) stays true. For photographs a flip can also
/// mirror text and handedness, which is why the loader's flip is off unless asked for.
/// </summary>
public static partial class CaptionAugment
{
    private static readonly Dictionary<string, string> Mirror = new(StringComparer.OrdinalIgnoreCase)
    {
        ["left"] = "right", ["right"] = "left", ["leftmost"] = "rightmost", ["rightmost"] = "leftmost",
    };

    /// <summary>Swaps left/right words, keeping the rest of the text (punctuation, spacing, capitalisation) as is.</summary>
    public static string HorizontalFlipCaption(string caption) =>
        WordPattern().Replace(caption, m => Mirror.TryGetValue(m.Value, out var swapped) ? MatchCase(m.Value, swapped) : m.Value);

    /// <summary>The id pairs a flip swaps in this vocabulary (each direction listed), for captions already encoded.</summary>
    public static IReadOnlyDictionary<int, int> FlipSwaps(Vocabulary vocabulary)
    {
        var swaps = new Dictionary<int, int>();
        foreach (var (word, mirrored) in Mirror)
            if (vocabulary.Contains(word) && vocabulary.Contains(mirrored))
                swaps[vocabulary.Id(word)] = vocabulary.Id(mirrored);
        return swaps;
    }

    private static string MatchCase(string original, string replacement) =>
        original.All(char.IsUpper) ? replacement.ToUpperInvariant()
        : char.IsUpper(original[0]) ? char.ToUpperInvariant(replacement[0]) + replacement[1..]
        : replacement;

    [GeneratedRegex(@"\b\p{L}+\b")]
    private static partial Regex WordPattern();
}
