using System.Globalization;
using System.Text;

namespace Spotlight.Metrics;

/// <summary>
/// The few Python <c>str</c> operations sacreBLEU relies on (<c>split()</c>, <c>rstrip()</c>, <c>lower()</c>), with
/// Python's semantics. They differ from .NET's in small ways that change scores: Python counts U+001C..U+001F as
/// whitespace, lower-cases U+0130 to two characters and lower-cases a word-final capital sigma to 'ς'.
/// </summary>
internal static class SacreBleuText
{
    /// <summary>Python's <c>str.isspace()</c> for one UTF-16 unit (every Python space is in the BMP).</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || (c >= '\u001C' && c <= '\u001F');

    /// <summary>Python's <c>line.split()</c>: runs of whitespace separate tokens; no empty tokens.</summary>
    public static List<string> Split(string line)
    {
        var tokens = new List<string>();
        int start = -1;
        for (int i = 0; i < line.Length; i++)
        {
            if (IsSpace(line[i]))
            {
                if (start >= 0) { tokens.Add(line[start..i]); start = -1; }
            }
            else if (start < 0) start = i;
        }
        if (start >= 0) tokens.Add(line[start..]);
        return tokens;
    }

    /// <summary>Python's <c>''.join(line.split())</c>: the line with every whitespace character removed.</summary>
    public static string RemoveSpaces(string line)
    {
        var sb = new StringBuilder(line.Length);
        foreach (char c in line)
            if (!IsSpace(c)) sb.Append(c);
        return sb.ToString();
    }

    /// <summary>Python's <c>line.rstrip()</c>.</summary>
    public static string RStrip(string line)
    {
        int end = line.Length;
        while (end > 0 && IsSpace(line[end - 1])) end--;
        return end == line.Length ? line : line[..end];
    }

    /// <summary>
    /// Python's <c>str.lower()</c>: the simple lower-case mapping, plus the two context rules Python applies
    /// (U+0130 → "i̇", and Σ → ς at the end of a word).
    /// </summary>
    public static string Lower(string text)
    {
        if (text.IndexOf('\u0130') < 0 && text.IndexOf('\u03A3') < 0) return text.ToLowerInvariant();
        var sb = new StringBuilder(text.Length + 4);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\u0130') sb.Append("i\u0307");
            else if (c == '\u03A3') sb.Append(IsFinalSigma(text, i) ? '\u03C2' : '\u03C3');
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length)
            {
                sb.Append(text.Substring(i, 2).ToLowerInvariant());
                i++;
            }
            else sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    // Unicode's Final_Sigma condition as CPython implements it: a cased letter before (skipping case-ignorable
    // characters) and no cased letter after.
    private static bool IsFinalSigma(string s, int i)
    {
        int j = i - 1;
        while (j >= 0 && IsCaseIgnorable(s[j])) j--;
        if (j < 0 || !IsCased(s[j])) return false;
        j = i + 1;
        while (j < s.Length && IsCaseIgnorable(s[j])) j++;
        return j == s.Length || !IsCased(s[j]);
    }

    private static bool IsCased(char c) =>
        char.IsUpper(c) || char.IsLower(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c)
    {
        switch (CharUnicodeInfo.GetUnicodeCategory(c))
        {
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.Format:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.ModifierSymbol:
                return true;
        }
        // Word_Break MidLetter / MidNumLet / Single_Quote characters.
        return "'.:\u00B7\u0387\u05F4\u2018\u2019\u2024\u2027\uFE13\uFE52\uFE55\uFF07\uFF0E\uFF1A".IndexOf(c) >= 0;
    }
}
