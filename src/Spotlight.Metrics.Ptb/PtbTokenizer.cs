namespace Spotlight.Metrics.Ptb;

/// <summary>
/// The tokenization of the COCO caption evaluation code (pycocoevalcap's <c>tokenizer/ptbtokenizer.py</c>):
/// all captions joined by newlines go through Stanford CoreNLP 3.4.1's <c>PTBTokenizer -preserveLines
/// -lowerCase</c> in one pass, each output line is split on spaces, and the tokens in <see cref="DroppedTokens"/>
/// are removed. Because lower-casing happens in Java before the Python filter, the bracket tokens -LRB- -RRB-
/// -LCB- -RCB- arrive as "-lrb-" etc. and are never removed. See docs/metrics.md for every rule and known gap.
/// </summary>
public static class PtbTokenizer
{
    /// <summary>The wrapper's PUNCTUATIONS list, compared exactly (case-sensitively) with lower-cased tokens.</summary>
    public static IReadOnlySet<string> DroppedTokens => CaptionTokenizers.CocoDroppedTokens;

    /// <summary>This tokenizer for the library's scoring APIs (<see cref="EvaluationOptions"/>, training validation …).</summary>
    public static ICaptionTokenizer Instance { get; } = new Exact();

    private sealed class Exact : ICaptionTokenizer
    {
        public string Name => "ptb";

        public IReadOnlyList<string> TokenizeBatch(IReadOnlyList<string> captions) => PtbTokenizer.TokenizeBatch(captions);
    }

    /// <summary>
    /// Tokenizes captions as one batch, as the COCO code does: the lexer reads the captions joined by '\n', so a
    /// caption's last token can depend on how the next caption starts ("etc." before a capital). Returns one
    /// space-joined string per caption.
    /// </summary>
    public static IReadOnlyList<string> TokenizeBatch(IReadOnlyList<string> captions)
    {
        ArgumentNullException.ThrowIfNull(captions);
        var joined = string.Join('\n', captions.Select(CleanLineBreaks));
        var lines = new List<string>(captions.Count);
        var line = new List<string>();
        foreach (var token in PtbLexer.Shared.Scan(joined))
        {
            if (token is null)
            {
                lines.Add(FinishLine(line));
                line.Clear();
            }
            else line.Add(JavaCase.ToLower(token));
        }
        lines.Add(FinishLine(line));
        return lines;
    }

    /// <summary>One caption alone (no neighbour to look ahead into).</summary>
    public static string Tokenize(string caption) => TokenizeBatch([caption])[0];

    /// <summary>The lexer's tokens before lower-casing and filtering; line breaks are null. For tests and docs.</summary>
    public static IReadOnlyList<string?> LexerTokens(string text) => PtbLexer.Shared.Scan(text);

    /// <summary>
    /// The Python code replaces only '\n' inside a caption; a '\r', form feed, vertical tab or U+2028/U+2029 left
    /// there makes the Java lexer start a new line, shifting every later caption onto the wrong image. We replace
    /// them with spaces instead, which is what the caption's author meant.
    /// </summary>
    private static string CleanLineBreaks(string caption)
    {
        if (caption.AsSpan().IndexOfAny("\n\r\u000B\u000C\u2028\u2029") < 0) return caption;
        var chars = caption.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (chars[i] is '\n' or '\r' or '\u000B' or '\u000C' or '\u2028' or '\u2029') chars[i] = ' ';
        return new string(chars);
    }

    /// <summary>Python: <c>' '.join(w for w in line.rstrip().split(' ') if w not in PUNCTUATIONS)</c>.</summary>
    private static string FinishLine(List<string> tokens)
    {
        var written = PyStrings.RStrip(string.Join(' ', tokens));
        return string.Join(' ', written.Split(' ').Where(w => !DroppedTokens.Contains(w)));
    }
}
