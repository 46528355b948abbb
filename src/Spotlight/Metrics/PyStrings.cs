namespace Spotlight.Metrics;

/// <summary>Python's string splitting, which the COCO scorers use and which differs from .NET's in what is whitespace.</summary>
internal static class PyStrings
{
    /// <summary>Python's <c>str.isspace()</c> for one UTF-16 unit (all such characters are in the BMP).</summary>
    public static bool IsSpace(char c) => c is ' ' or (>= '\t' and <= '\r') or (>= '\u001C' and <= '\u001F')
        or '\u0085' or '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200A') or '\u2028' or '\u2029' or '\u202F'
        or '\u205F' or '\u3000';

    /// <summary><c>s.split()</c>: runs of whitespace separate words; no empty words. (BLEU and CIDEr.)</summary>
    public static List<string> SplitWords(string s)
    {
        var words = new List<string>();
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && IsSpace(s[i])) i++;
            var start = i;
            while (i < s.Length && !IsSpace(s[i])) i++;
            if (i > start) words.Add(s[start..i]);
        }
        return words;
    }

    /// <summary><c>s.split(" ")</c>: every single space separates, so "" gives one empty word. (ROUGE-L.)</summary>
    public static string[] SplitOnSpace(string s) => s.Split(' ');

    public static string RStrip(string s)
    {
        var end = s.Length;
        while (end > 0 && IsSpace(s[end - 1])) end--;
        return s[..end];
    }
}
