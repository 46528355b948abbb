using System.Text;

namespace Spotlight.Metrics.Ptb;

/// <summary>The text rewrites PTBLexer applies to some tokens, with the options the COCO code runs.</summary>
internal static class PtbNormalizer
{
    public static string RemoveSoftHyphens(string s)
    {
        if (!s.Contains('\u00AD')) return s;
        var stripped = s.Replace("\u00AD", "", StringComparison.Ordinal);
        return stripped.Length == 0 ? "-" : stripped; // never an empty token
    }

    public static string Ampersands(string s) => s.Replace("&amp;", "&", StringComparison.OrdinalIgnoreCase);

    public static string Fractions(string s) => s
        .Replace("\u00BC", "1/4", StringComparison.Ordinal).Replace("\u00BD", "1/2", StringComparison.Ordinal)
        .Replace("\u00BE", "3/4", StringComparison.Ordinal).Replace("\u2153", "1/3", StringComparison.Ordinal)
        .Replace("\u2154", "2/3", StringComparison.Ordinal);

    /// <summary>Cent sign to "cents", pound sign to "#" (its PTB3 spelling), euro and generic currency to "$".</summary>
    public static string Currency(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\u00A2': sb.Append("cents"); break;
                case '\u00A3': sb.Append('#'); break;
                case '\u0080' or '\u00A4' or '\u20A0' or '\u20AC': sb.Append('$'); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    public static string Parentheses(string s) =>
        s.Replace("(", "-LRB-", StringComparison.Ordinal).Replace(")", "-RRB-", StringComparison.Ordinal);

    /// <summary>
    /// PTB quotes: straight quotes become ` `` when the token opens a quotation and ' '' otherwise; curly and
    /// angle quotes (and their CP1252 code units) map by direction. Low-9 quotes (U+201A, U+201E) stay as they are.
    /// </summary>
    public static string LatexQuotes(string s, bool opening)
    {
        s = s.Replace("&apos;", "'", StringComparison.Ordinal).Replace("&quot;", "\"", StringComparison.Ordinal);
        var sb = new StringBuilder(s.Length + 2);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\'': sb.Append(opening ? "`" : "'"); break;
                case '"': sb.Append(opening ? "``" : "''"); break;
                case '\u0091' or '\u2018' or '\u201B' or '\u2039': sb.Append('`'); break;
                case '\u0092' or '\u2019' or '\u203A': sb.Append('\''); break;
                case '\u0093' or '\u201C' or '\u00AB': sb.Append("``"); break;
                case '\u0094' or '\u201D' or '\u00BB': sb.Append("''"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}
