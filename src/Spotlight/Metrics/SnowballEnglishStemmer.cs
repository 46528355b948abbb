using System.Text;

namespace Spotlight.Metrics;

/// <summary>
/// The Snowball English ("Porter2") stemmer, in the revision METEOR 1.5 bundles (the possessive step folded into
/// step 1a; exception lists for skis/skies/dying/..., for inning/outing/... and for the gener-/commun-/arsen-
/// prefixes). Written from the algorithm's published description (snowballstem.org/algorithms/english): R1 is the
/// region after the first non-vowel that follows a vowel, R2 the same inside R1, and each step removes the longest
/// matching suffix only when it lies in the region the step names. Stateless and thread-safe.
/// </summary>
public static class SnowballEnglishStemmer
{
    private static readonly Dictionary<string, string> Exception1 = new()
    {
        ["skis"] = "ski", ["skies"] = "sky", ["dying"] = "die", ["lying"] = "lie", ["tying"] = "tie",
        ["idly"] = "idl", ["gently"] = "gentl", ["ugly"] = "ugli", ["early"] = "earli", ["only"] = "onli",
        ["singly"] = "singl",
        ["sky"] = "sky", ["news"] = "news", ["howe"] = "howe", ["atlas"] = "atlas", ["cosmos"] = "cosmos",
        ["bias"] = "bias", ["andes"] = "andes",
    };

    // Words left alone after step 1a (they only look inflected).
    private static readonly HashSet<string> Exception2 = new()
        { "inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed" };

    private static readonly string[] RegionPrefixes = { "gener", "commun", "arsen" };

    // Step 2 and 3 suffixes, longest first, with their replacements ("" deletes; conditions handled inline).
    private static readonly (string Suffix, string Replacement)[] Step2Suffixes = SortByLength(new[]
    {
        ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("abli", "able"), ("entli", "ent"),
        ("izer", "ize"), ("ization", "ize"), ("ational", "ate"), ("ation", "ate"), ("ator", "ate"),
        ("alism", "al"), ("aliti", "al"), ("alli", "al"), ("fulness", "ful"), ("ousli", "ous"),
        ("ousness", "ous"), ("iveness", "ive"), ("iviti", "ive"), ("biliti", "ble"), ("bli", "ble"),
        ("ogi", "og"), ("fulli", "ful"), ("lessli", "less"), ("li", ""),
    });

    private static readonly (string Suffix, string Replacement)[] Step3Suffixes = SortByLength(new[]
    {
        ("tional", "tion"), ("ational", "ate"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"),
        ("ical", "ic"), ("ful", ""), ("ness", ""), ("ative", ""),
    });

    private static readonly string[] Step4Suffixes = SortByLength(new[]
    {
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti",
        "ous", "ive", "ize", "ion",
    }.Select(s => (s, "")).ToArray()).Select(p => p.Suffix).ToArray();

    /// <summary>The stem of one word (expected lower-case; other characters count as consonants).</summary>
    public static string Stem(string word)
    {
        if (Exception1.TryGetValue(word, out var special)) return special;
        if (word.Length < 3) return word;

        var w = new StringBuilder(word);
        bool yFound = Prelude(w);
        var (p1, p2) = MarkRegions(w);

        Step1a(w);
        if (!Exception2.Contains(w.ToString()))
        {
            Step1b(w, p1);
            Step1c(w);
            Step2(w, p1);
            Step3(w, p1, p2);
            Step4(w, p2);
            Step5(w, p1, p2);
        }
        if (yFound) w.Replace('Y', 'y');
        return w.ToString();
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

    // Vowels plus w, x and Y: letters that cannot end a short syllable.
    private static bool IsVowelWxY(char c) => IsVowel(c) || c is 'w' or 'x' or 'Y';

    private static bool IsValidLiEnding(char c) => "cdeghkmnrt".IndexOf(c) >= 0;

    private static bool EndsWith(StringBuilder w, string suffix)
    {
        if (w.Length < suffix.Length) return false;
        int offset = w.Length - suffix.Length;
        for (int i = 0; i < suffix.Length; i++)
            if (w[offset + i] != suffix[i]) return false;
        return true;
    }

    private static void ReplaceEnd(StringBuilder w, int suffixLength, string replacement)
    {
        w.Length -= suffixLength;
        w.Append(replacement);
    }

    private static bool HasVowelBefore(StringBuilder w, int end)
    {
        for (int i = 0; i < end; i++) if (IsVowel(w[i])) return true;
        return false;
    }

    // Drop a leading apostrophe; mark y as a consonant (Y) at the start and after a vowel, left to right.
    private static bool Prelude(StringBuilder w)
    {
        bool yFound = false;
        if (w.Length > 0 && w[0] == '\'') w.Remove(0, 1);
        if (w.Length > 0 && w[0] == 'y') { w[0] = 'Y'; yFound = true; }
        for (int i = 1; i < w.Length; i++)
            if (w[i] == 'y' && IsVowel(w[i - 1])) { w[i] = 'Y'; yFound = true; }
        return yFound;
    }

    private static (int P1, int P2) MarkRegions(StringBuilder w)
    {
        int length = w.Length;
        int p1 = -1;
        string text = w.ToString();
        foreach (var prefix in RegionPrefixes)
            if (text.StartsWith(prefix, StringComparison.Ordinal)) p1 = prefix.Length;
        if (p1 < 0) p1 = AfterVowelThenConsonant(w, 0);
        if (p1 < 0) return (length, length);
        int p2 = AfterVowelThenConsonant(w, p1);
        return (p1, p2 < 0 ? length : p2);
    }

    // The position just past the first non-vowel that follows a vowel at or after `from`; -1 if there is none.
    private static int AfterVowelThenConsonant(StringBuilder w, int from)
    {
        int i = from;
        while (i < w.Length && !IsVowel(w[i])) i++;
        if (i >= w.Length) return -1;
        i++;
        while (i < w.Length && IsVowel(w[i])) i++;
        return i >= w.Length ? -1 : i + 1;
    }

    // A short syllable ends at `end`: non-vowel, vowel, non-vowel-other-than-w/x/Y; or a word of exactly vowel +
    // non-vowel.
    private static bool EndsInShortSyllable(StringBuilder w, int end)
    {
        if (end >= 3 && !IsVowelWxY(w[end - 1]) && IsVowel(w[end - 2]) && !IsVowel(w[end - 3])) return true;
        return end == 2 && !IsVowel(w[1]) && IsVowel(w[0]);
    }

    private static void Step1a(StringBuilder w)
    {
        if (EndsWith(w, "'s'")) w.Length -= 3;
        else if (EndsWith(w, "'s")) w.Length -= 2;
        else if (EndsWith(w, "'")) w.Length -= 1;

        if (EndsWith(w, "sses")) ReplaceEnd(w, 4, "ss");
        else if (EndsWith(w, "ied") || EndsWith(w, "ies"))
            ReplaceEnd(w, 3, w.Length - 3 >= 2 ? "i" : "ie");                // cries → cri, ties → tie
        else if (EndsWith(w, "ss") || EndsWith(w, "us")) { }
        else if (EndsWith(w, "s"))
        {
            // Delete s when a vowel occurs before the letter preceding it (gaps → gap, gas stays).
            int start = w.Length - 1;
            if (start > 0 && HasVowelBefore(w, start - 1)) w.Length = start;
        }
    }

    private static void Step1b(StringBuilder w, int p1)
    {
        string? suffix = new[] { "eedly", "ingly", "edly", "eed", "ing", "ed" }.FirstOrDefault(s => EndsWith(w, s));
        if (suffix is null) return;
        int start = w.Length - suffix.Length;
        if (suffix is "eed" or "eedly")
        {
            if (start >= p1) ReplaceEnd(w, suffix.Length, "ee");
            return;
        }
        if (!HasVowelBefore(w, start)) return;
        w.Length = start;
        if (EndsWith(w, "at") || EndsWith(w, "bl") || EndsWith(w, "iz")) w.Append('e');
        else if (w.Length >= 2 && w[^1] == w[^2] && "bdfgmnprt".IndexOf(w[^1]) >= 0) w.Length--;
        // A short word gets its e back (hoped → hope). R1 was fixed before the deletion, as in Snowball.
        else if (w.Length == p1 && EndsInShortSyllable(w, w.Length)) w.Append('e');
    }

    private static void Step1c(StringBuilder w)
    {
        int n = w.Length;
        if (n >= 3 && (w[n - 1] == 'y' || w[n - 1] == 'Y') && !IsVowel(w[n - 2])) w[n - 1] = 'i';
    }

    private static void Step2(StringBuilder w, int p1)
    {
        var (suffix, replacement) = Step2Suffixes.FirstOrDefault(s => EndsWith(w, s.Suffix));
        if (suffix is null) return;
        int start = w.Length - suffix.Length;
        if (start < p1) return;
        if (suffix == "ogi" && (start == 0 || w[start - 1] != 'l')) return;
        if (suffix == "li" && (start == 0 || !IsValidLiEnding(w[start - 1]))) return;
        ReplaceEnd(w, suffix.Length, replacement);
    }

    private static void Step3(StringBuilder w, int p1, int p2)
    {
        var (suffix, replacement) = Step3Suffixes.FirstOrDefault(s => EndsWith(w, s.Suffix));
        if (suffix is null) return;
        int start = w.Length - suffix.Length;
        if (start < p1) return;
        if (suffix == "ative" && start < p2) return;
        ReplaceEnd(w, suffix.Length, replacement);
    }

    private static void Step4(StringBuilder w, int p2)
    {
        string? suffix = Step4Suffixes.FirstOrDefault(s => EndsWith(w, s));
        if (suffix is null) return;
        int start = w.Length - suffix.Length;
        if (start < p2) return;
        if (suffix == "ion" && (start == 0 || (w[start - 1] != 's' && w[start - 1] != 't'))) return;
        w.Length = start;
    }

    private static void Step5(StringBuilder w, int p1, int p2)
    {
        if (w.Length == 0) return;
        int start = w.Length - 1;
        if (w[start] == 'e')
        {
            if (start >= p2 || (start >= p1 && !EndsInShortSyllable(w, start))) w.Length = start;
        }
        else if (w[start] == 'l')
        {
            if (start >= p2 && start > 0 && w[start - 1] == 'l') w.Length = start;
        }
    }

    private static (string Suffix, string Replacement)[] SortByLength((string Suffix, string Replacement)[] pairs) =>
        pairs.OrderByDescending(p => p.Suffix.Length).ToArray();
}
