namespace Spotlight.Metrics.Ptb;

/// <summary>What a matched rule turns its text into (the option set the COCO code runs with).</summary>
internal enum PtbAction
{
    /// <summary>The text as matched.</summary>
    Keep,
    /// <summary>Nothing: whitespace and ignorable characters.</summary>
    Skip,
    /// <summary>The rule's fixed replacement text (brackets become -LRB- etc., dashes --, ellipses ...).</summary>
    Replace,
    /// <summary>Only the first (length - Count) characters; the rest is scanned again ("cannot" = "can" + "not").</summary>
    PushBack,
    /// <summary>Spaces inside the token become U+00A0, so a token never holds a space ("3 1/2").</summary>
    SpacesToNbsp,
    NormalizeAmp,
    RemoveSoftHyphens,
    NormalizeFractions,
    NormalizeCurrency,
    /// <summary>LaTeX-style quotes for a quote that opens: ` and ``.</summary>
    OpeningQuote,
    /// <summary>LaTeX-style quotes for a quote that closes: ' and ''.</summary>
    ClosingQuote,
    /// <summary>Phone numbers: spaces to U+00A0 and parentheses to -LRB-/-RRB-.</summary>
    Phone,
    Parentheses,
    /// <summary>A run of 3 or 4 hyphens is the PTB dash "--"; other runs stay as written.</summary>
    Hyphens,
    /// <summary>A one-letter acronym gives the letter, a longer one itself; either way its period is scanned again.</summary>
    AcronymBeforeSentence,
    /// <summary>The abbreviation with its period, then the period again as a sentence end.</summary>
    KeepAndRepeatPeriod,
    /// <summary>A line break: with -preserveLines it ends the output line.</summary>
    Newline,
}

/// <summary>One lexer rule: the pattern whose text becomes the token, and an optional pattern that must follow it.</summary>
internal sealed record PtbRule(string Pattern, PtbAction Action, string? Lookahead = null, int Count = 0, string? Text = null);
