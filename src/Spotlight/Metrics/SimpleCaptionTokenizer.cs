using System.Text;
using System.Text.RegularExpressions;

namespace Spotlight.Metrics;

/// <summary>
/// Spotlight's own caption tokenizer (MIT), the library's default: the Penn Treebank conventions that matter for
/// captions, written from their published description, not from CoreNLP's lexer. Per caption: line breaks become
/// spaces and the text is lower-cased (invariant culture); curly quotes become straight ones, "…" becomes "...",
/// en and em dashes "--"; a token is a number with inner separators ("3.5", "1,000", "9/11"), a word of letters and
/// digits with inner hyphens, periods or apostrophes ("t-shirt", "o'clock", "u.s"), a run of dots or of dashes, or any
/// other single character; the clitics n't 's 're 've 'll 'd 'm are split off ("don't" → "do n't", "dog's" →
/// "dog 's"), "cannot" becomes "can not", and a title or a dotted abbreviation keeps its final period ("mr.",
/// "s.c.u.b.a."); brackets become PTB's escapes as the COCO pipeline leaves them (-lrb- -rrb- -lcb- -rcb-
/// -lsb- -rsb-); double quotes become '' ; then the COCO punctuation tokens (<see cref="CaptionTokenizers.CocoDroppedTokens"/>)
/// are dropped. Known differences from the exact tokenizer: PTB's long list of
/// abbreviations is not here ("etc." → "etc"), URLs, e-mail addresses, SGML and emoticons are cut at their symbols,
/// and "gonna"/"slip 'n' slide" are read otherwise.
/// docs/metrics.md gives the measured effect on scores.
/// </summary>
public sealed partial class SimpleCaptionTokenizer : ICaptionTokenizer
{
    private static readonly string[] Clitics = ["'s", "'re", "'ve", "'ll", "'d", "'m"];

    // Titles whose period PTB keeps (a small part of its abbreviation list: the ones captions use).
    private static readonly HashSet<string> Titles = new(StringComparer.Ordinal) { "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "mt", "no" };

    public static SimpleCaptionTokenizer Instance { get; } = new();

    public string Name => "simple";

    public IReadOnlyList<string> TokenizeBatch(IReadOnlyList<string> captions)
    {
        ArgumentNullException.ThrowIfNull(captions);
        return [.. captions.Select(Tokenize)];
    }

    public static string Tokenize(string caption)
    {
        var text = Normalise(caption);
        var tokens = new List<string>();
        foreach (Match m in Token().Matches(text))
        {
            var token = m.Value;
            if (!m.Groups["word"].Success) tokens.Add(Escape(token));
            else if (token == "cannot") tokens.AddRange(["can", "not"]);
            else if (KeepsPeriod(token, text, m.Index + m.Length)) tokens.Add(token + ".");
            else SplitClitic(token, tokens);
        }
        return string.Join(' ', tokens.Where(t => !CaptionTokenizers.CocoDroppedTokens.Contains(t)));
    }

    /// <summary>"mr." and "s.c.u.b.a." keep their period when a word character does not follow it.</summary>
    private static bool KeepsPeriod(string word, string text, int end) =>
        end < text.Length && text[end] == '.' && (end + 1 == text.Length || !char.IsLetterOrDigit(text[end + 1]))
        && (Titles.Contains(word) || word.Contains('.'));

    private static string Normalise(string caption)
    {
        var s = new StringBuilder(caption.Length);
        foreach (var c in caption.ToLowerInvariant())
        {
            s.Append(c switch
            {
                '\n' or '\r' or '\u000B' or '\u000C' or '\u2028' or '\u2029' => " ",
                '\u2018' or '\u2019' or '\u201B' or '\u2032' => "'",
                '\u201C' or '\u201D' or '\u201E' or '\u00AB' or '\u00BB' or '"' => " '' ",
                '\u2026' => " ... ",
                '\u2013' or '\u2014' or '\u2015' => " -- ",
                _ => c.ToString(),
            });
        }
        return s.ToString();
    }

    private static void SplitClitic(string word, List<string> tokens)
    {
        if (word.Length > 3 && word.EndsWith("n't", StringComparison.Ordinal))
        {
            tokens.Add(word[..^3]);
            tokens.Add("n't");
            return;
        }
        foreach (var clitic in Clitics)
        {
            if (word.Length > clitic.Length && word.EndsWith(clitic, StringComparison.Ordinal))
            {
                tokens.Add(word[..^clitic.Length]);
                tokens.Add(clitic);
                return;
            }
        }
        tokens.Add(word);
    }

    private static string Escape(string token) => token switch
    {
        "(" => "-lrb-",
        ")" => "-rrb-",
        "{" => "-lcb-",
        "}" => "-rcb-",
        "[" => "-lsb-",
        "]" => "-rsb-",
        _ when token.Length > 3 && token[0] == '.' => "...",
        _ when token.Length > 2 && token[0] == '-' => "--",
        _ => token,
    };

    [GeneratedRegex(@"(?<number>\p{N}+(?:[.,:/]\p{N}+)+)|(?<word>[\p{L}\p{M}\p{N}]+(?:[-.'][\p{L}\p{M}\p{N}]+)*)|(?<clitic>'(?:s|re|ve|ll|d|m)|n't)(?![\p{L}\p{N}])|(?<dots>\.{2,})|(?<dashes>-{2,})|''|\S",
        RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
