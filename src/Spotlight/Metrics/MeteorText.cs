namespace Spotlight.Metrics;

/// <summary>
/// The Java string behaviours METEOR 1.5's results depend on: StringTokenizer's whitespace set, String.trim()'s
/// notion of blank, and String.hashCode(), which METEOR uses as the identity of a word (two words with the same
/// hash are treated as the same word, e.g. "Aa" and "BB").
/// </summary>
internal static class MeteorText
{
    /// <summary>java.util.StringTokenizer with its default delimiters " \t\n\r\f".</summary>
    public static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        int start = -1;
        for (int i = 0; i < line.Length; i++)
        {
            bool delimiter = line[i] is ' ' or '\t' or '\n' or '\r' or '\f';
            if (delimiter)
            {
                if (start >= 0) { tokens.Add(line[start..i]); start = -1; }
            }
            else if (start < 0) start = i;
        }
        if (start >= 0) tokens.Add(line[start..]);
        return tokens;
    }

    /// <summary>java.lang.String.trim(): strips every character up to U+0020 from both ends.</summary>
    public static string JavaTrim(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && s[start] <= ' ') start++;
        while (end > start && s[end - 1] <= ' ') end--;
        return s[start..end];
    }

    /// <summary>java.lang.String.hashCode(): s[0]·31^(n−1) + … + s[n−1] over UTF-16 units, wrapping at 32 bits.</summary>
    public static int JavaHash(string s)
    {
        unchecked
        {
            int h = 0;
            foreach (char c in s) h = 31 * h + c;
            return h;
        }
    }
}
