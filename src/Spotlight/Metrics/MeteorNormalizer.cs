using System.Text;
using System.Text.RegularExpressions;

namespace Spotlight.Metrics;

/// <summary>
/// METEOR 1.5's English <c>-norm</c> tokenizer (its Normalizer, built on the Moses tokenizer): splits symbols off
/// words, keeps numbers like 1,000 and 3.14 whole, unifies quotes and dashes, splits hyphenated words so partial
/// matches get credit, splits English contractions to the right (don't → don 't), and splits a sentence-final
/// period unless the word is a known abbreviation (Mr.) or is followed by a lower-case word.
/// </summary>
public static partial class MeteorNormalizer
{
    // METEOR's letter classes: Latin-1 and Latin Extended-A letters, Cyrillic, Phonetic Extensions.
    private const string Alpha =
        @"A-Za-z\u0160\u017D\u0161\u017E\u0178\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017E" +
        @"\u0400-\u04FF\u0500-\u0527\uA640-\uA66E\uA67E-\uA697\u1D00-\u1D7F";
    private const string Alnum = "0-9" + Alpha;

    private static readonly Dictionary<string, bool> Nonbreaking = BuildNonbreaking();   // value: numeric-only

    /// <summary>Normalizes one line; <paramref name="keepPunctuation"/> false also deletes every non-alphanumeric.</summary>
    public static string Normalize(string line, bool keepPunctuation = true)
    {
        string s = SeparateSymbols(" " + line + " ");

        // Protect runs of dots ("...") as DOTMULTI tokens while single dots are handled.
        s = MultiDot().Replace(s, " DOTMULTI$1");
        while (s.Contains("DOTMULTI."))
        {
            s = MultiDotNext().Replace(s, "DOTDOTMULTI $1");
            s = s.Replace("DOTMULTI.", "DOTDOTMULTI");
        }

        s = CommaNonDigits().Replace(s, "$1 , $2");
        s = CommaAfterDigit().Replace(s, "$1 , $2");
        s = CommaBeforeDigit().Replace(s, "$1 , $2");

        s = SingleQuotes().Replace(s, "'");
        s = DoubleQuotes().Replace(s, " \" ");
        s = s.Replace("\u2013", "-").Replace("--", "-");
        s = InnerDash().Replace(s, "$1 $2");                    // well-known → well known, U.S.-based → U.S. based

        s = ApostropheBetweenNonLetters().Replace(s, "$1 ' $2");
        s = ApostropheBeforeLetter().Replace(s, "$1 ' $2");
        s = ApostropheAfterLetter().Replace(s, "$1 ' $2");
        s = ApostropheInWord().Replace(s, "$1 '$2");           // don't → don 't
        s = ApostropheDecade().Replace(s, "$1 '$2");           // 1990's → 1990 's

        s = SplitFinalPeriods(MeteorText.Tokenize(s));

        while (s.Contains("DOTDOTMULTI")) s = s.Replace("DOTDOTMULTI", "DOTMULTI.");
        s = s.Replace("DOTMULTI", ".");

        if (!keepPunctuation) s = NonAlnum().Replace(s, " ");
        return MeteorText.JavaTrim(Whitespace().Replace(s, " "));
    }

    // Wraps each character that is not a letter, digit, Java \s, or one of . ' ` , - ‘ ’ in spaces. Written by
    // hand rather than as a regex so that a character outside the BMP stays one unit, as in Java's regex engine.
    private static string SeparateSymbols(string s)
    {
        var sb = new StringBuilder(s.Length + 16);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);
            if (pair) { sb.Append(' ').Append(c).Append(s[i + 1]).Append(' '); i++; }
            else if (KeptInWord(c)) sb.Append(c);
            else sb.Append(' ').Append(c).Append(' ');
        }
        return sb.ToString();
    }

    private static string SplitFinalPeriods(List<string> words)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < words.Count; i++)
        {
            string word = words[i];
            if (word.Length > 1 && word.EndsWith('.'))
            {
                string prefix = word[..^1];
                bool known = Nonbreaking.TryGetValue(prefix, out bool numericOnly);
                string? next = i < words.Count - 1 ? words[i + 1] : null;
                if (prefix.Contains('.') && AnyLetter().IsMatch(prefix))
                    sb.Append(word.Replace(".", ""));                 // U.S. → US, to match undotted text
                else if ((known && !numericOnly) || (next is not null && StartsLower().IsMatch(next)))
                    sb.Append(word);
                else if (known && numericOnly && next is not null && StartsWithDigits().IsMatch(next))
                    sb.Append(word);
                else
                    sb.Append(prefix).Append(" .");
            }
            else sb.Append(word);
            sb.Append(' ');
        }
        return sb.ToString();
    }

    private static Dictionary<string, bool> BuildNonbreaking()
    {
        var d = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var p in MeteorResources.EnglishNonbreakingPrefixes) d[p] = false;
        foreach (var p in MeteorResources.EnglishNumericOnlyPrefixes) d[p] = true;
        return d;
    }

    private static bool KeptInWord(char c) =>
        IsAlpha(c) || c is >= '0' and <= '9' || " \t\n\u000B\f\r.'`,-\u2018\u2019".IndexOf(c) >= 0;

    // The ranges of Alpha, as a predicate.
    private static bool IsAlpha(char c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or '\u0160' or '\u017D' or '\u0161' or '\u017E' or '\u0178'
            or >= '\u00C0' and <= '\u00D6' or >= '\u00D8' and <= '\u00F6' or >= '\u00F8' and <= '\u017E'
            or >= '\u0400' and <= '\u04FF' or >= '\u0500' and <= '\u0527' or >= '\uA640' and <= '\uA66E'
            or >= '\uA67E' and <= '\uA697' or >= '\u1D00' and <= '\u1D7F';

    [GeneratedRegex(@"\.([.]+)", RegexOptions.CultureInvariant)]
    private static partial Regex MultiDot();

    [GeneratedRegex(@"DOTMULTI\.([^.])", RegexOptions.CultureInvariant)]
    private static partial Regex MultiDotNext();

    [GeneratedRegex(@"([^0-9]),([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex CommaNonDigits();

    [GeneratedRegex(@"([0-9]),([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex CommaAfterDigit();

    [GeneratedRegex(@"([^0-9]),([0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex CommaBeforeDigit();

    [GeneratedRegex("([`\u2018\u2019])", RegexOptions.CultureInvariant)]
    private static partial Regex SingleQuotes();

    [GeneratedRegex("([\u201C\u201D]|'')", RegexOptions.CultureInvariant)]
    private static partial Regex DoubleQuotes();

    [GeneratedRegex(@"([" + Alnum + @".])-([" + Alnum + "])", RegexOptions.CultureInvariant)]
    private static partial Regex InnerDash();

    [GeneratedRegex(@"([^" + Alpha + "])'([^" + Alpha + "])", RegexOptions.CultureInvariant)]
    private static partial Regex ApostropheBetweenNonLetters();

    [GeneratedRegex(@"([^" + Alpha + "0-9])'([" + Alpha + "])", RegexOptions.CultureInvariant)]
    private static partial Regex ApostropheBeforeLetter();

    [GeneratedRegex(@"([" + Alpha + "])'([^" + Alpha + "])", RegexOptions.CultureInvariant)]
    private static partial Regex ApostropheAfterLetter();

    [GeneratedRegex(@"([" + Alpha + "])'([" + Alpha + "])", RegexOptions.CultureInvariant)]
    private static partial Regex ApostropheInWord();

    [GeneratedRegex(@"([0-9])'(s)", RegexOptions.CultureInvariant)]
    private static partial Regex ApostropheDecade();

    [GeneratedRegex("[" + Alpha + "]", RegexOptions.CultureInvariant)]
    private static partial Regex AnyLetter();

    [GeneratedRegex("^[a-z]", RegexOptions.CultureInvariant)]
    private static partial Regex StartsLower();

    [GeneratedRegex("^[0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex StartsWithDigits();

    [GeneratedRegex("[^" + Alnum + "]", RegexOptions.CultureInvariant)]
    private static partial Regex NonAlnum();

    // The spaces METEOR collapses: ASCII space, U+2000..U+200A, U+202F, U+205F, U+3000 and no-break space.
    [GeneratedRegex("[ \u2000-\u200A\u202F\u205F\u3000\u00A0]+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
