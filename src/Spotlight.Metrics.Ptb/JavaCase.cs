using System.Globalization;
using System.Text;

namespace Spotlight.Metrics.Ptb;

/// <summary>
/// Java's <c>String.toLowerCase(Locale.ENGLISH)</c>, which CoreNLP's <c>-lowerCase</c> applies to each token.
/// It differs from .NET's invariant lower-casing in two context rules: capital I with dot (U+0130) becomes
/// "i" + combining dot (two units), and capital sigma becomes final sigma (U+03C2) at the end of a word.
/// </summary>
internal static class JavaCase
{
    public static string ToLower(string s)
    {
        var needsContext = false;
        foreach (var c in s)
            if (c is '\u0130' or '\u03A3') needsContext = true;
        if (!needsContext) return s.ToLowerInvariant();

        var sb = new StringBuilder(s.Length + 1);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\u0130') sb.Append("i\u0307");
            else if (c == '\u03A3') sb.Append(IsFinalSigma(s, i) ? '\u03C2' : '\u03C3');
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length) sb.Append(s.Substring(i++, 2).ToLowerInvariant());
            else sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>
    /// Java's final-sigma test as observed on Java 17 (its String.toLowerCase run on ~50 probe strings): a cased
    /// letter one or two units before the sigma, and none one or two units after it. So "A-Σ" gives "a-ς",
    /// "ΣΟΦΟΣ-a" gives "σοφοσ-a" and "AΣ--a" gives "aς--a". Other Java versions may decide these differently.
    /// </summary>
    private static bool IsFinalSigma(string s, int at) =>
        (CasedAt(s, at - 1) || CasedAt(s, at - 2)) && !(CasedAt(s, at + 1) || CasedAt(s, at + 2));

    private static bool CasedAt(string s, int i) => i >= 0 && i < s.Length && char.GetUnicodeCategory(s[i])
        is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;
}
