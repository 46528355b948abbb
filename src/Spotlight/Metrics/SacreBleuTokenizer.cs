using System.Text.RegularExpressions;

namespace Spotlight.Metrics;

/// <summary>sacreBLEU's <c>-tok</c> choices that this port supports.</summary>
public enum SacreBleuTokenizer
{
    /// <summary><c>13a</c>: mteval-v13a.pl's tokenizer, sacreBLEU's default and the one WMT uses.</summary>
    Tok13a,
    /// <summary><c>none</c>: the text is already tokenized; split on whitespace only.</summary>
    None,
}

/// <summary>The 13a and none tokenizers, reproducing sacreBLEU's <c>tokenizer_13a.py</c> and <c>tokenizer_re.py</c>.</summary>
public static partial class SacreBleuTokenizers
{
    /// <summary>The name sacreBLEU writes in the signature's <c>tok:</c> field.</summary>
    public static string SignatureName(SacreBleuTokenizer tokenizer) => tokenizer switch
    {
        SacreBleuTokenizer.Tok13a => "13a",
        SacreBleuTokenizer.None => "none",
        _ => throw new SpotlightException($"unknown sacreBLEU tokenizer {tokenizer}"),
    };

    /// <summary>Parses a <c>-tok</c> value ("13a" or "none").</summary>
    public static SacreBleuTokenizer Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "13a" => SacreBleuTokenizer.Tok13a,
        "none" => SacreBleuTokenizer.None,
        _ => throw new SpotlightException($"unknown sacreBLEU tokenizer '{name}': expected 13a or none"),
    };

    /// <summary>Tokenizes one line; the result's tokens are separated by single spaces.</summary>
    public static string Tokenize(SacreBleuTokenizer tokenizer, string line) => tokenizer switch
    {
        SacreBleuTokenizer.Tok13a => Tokenize13a(line),
        SacreBleuTokenizer.None => line,
        _ => throw new SpotlightException($"unknown sacreBLEU tokenizer {tokenizer}"),
    };

    /// <summary>mteval-v13a's tokenization: unescape a few entities, then split punctuation off words.</summary>
    public static string Tokenize13a(string line)
    {
        line = line.Replace("<skipped>", "").Replace("-\n", "").Replace("\n", " ");
        if (line.Contains('&'))
            line = line.Replace("&quot;", "\"").Replace("&amp;", "&").Replace("&lt;", "<").Replace("&gt;", ">");

        line = " " + line + " ";
        // Every ASCII symbol except ' , - . becomes its own token (the space itself is in the class, harmlessly).
        line = Symbols().Replace(line, " $1 ");
        // Period and comma split off unless they sit between digits (3.14 and 1,000 stay whole).
        line = PunctAfterNonDigit().Replace(line, "$1 $2 ");
        line = PunctBeforeNonDigit().Replace(line, " $1 $2");
        // A dash after a digit splits (1990-2000 → 1990 - 2000).
        line = DashAfterDigit().Replace(line, "$1 $2 ");
        return string.Join(' ', SacreBleuText.Split(line));
    }

    [GeneratedRegex(@"([\x7B-\x7E\x5B-\x60\x20-\x26\x28-\x2B\x3A-\x40/])", RegexOptions.CultureInvariant)]
    private static partial Regex Symbols();

    [GeneratedRegex(@"([^0-9])([.,])", RegexOptions.CultureInvariant)]
    private static partial Regex PunctAfterNonDigit();

    [GeneratedRegex(@"([.,])([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PunctBeforeNonDigit();

    [GeneratedRegex(@"([0-9])(-)", RegexOptions.CultureInvariant)]
    private static partial Regex DashAfterDigit();
}
