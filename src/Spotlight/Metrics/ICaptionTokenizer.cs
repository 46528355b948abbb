namespace Spotlight.Metrics;

/// <summary>
/// How captions are split into words before they are scored. Every scoring API of the library takes one
/// (<see cref="EvaluationOptions.Tokenizer"/>, the training and evaluation options), so that a program chooses between
/// the library's own <see cref="CaptionTokenizers.Default"/> (MIT) and the exact COCO tokenizer of the
/// <c>Spotlight.Metrics.Ptb</c> assembly (GPL-3.0-or-later, which the <c>spotlight</c> command uses everywhere).
/// </summary>
public interface ICaptionTokenizer
{
    /// <summary>Short name written into results ("ptb", "simple", "none").</summary>
    string Name { get; }

    /// <summary>
    /// One space-joined, lower-cased token string per caption, punctuation removed. Captions come as one batch
    /// because the COCO tokenizer reads them as one text (a caption's last token can depend on the next one).
    /// </summary>
    IReadOnlyList<string> TokenizeBatch(IReadOnlyList<string> captions);
}

public static class CaptionTokenizers
{
    /// <summary>
    /// The tokens pycocoevalcap's <c>ptbtokenizer.py</c> removes after tokenizing (its PUNCTUATIONS list, BSD-2-Clause),
    /// compared exactly with the lower-cased tokens; both tokenizers apply it.
    /// </summary>
    public static readonly IReadOnlySet<string> CocoDroppedTokens = new HashSet<string>(StringComparer.Ordinal)
    {
        "''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";",
    };

    /// <summary>The library's own tokenizer: <see cref="SimpleCaptionTokenizer"/>.</summary>
    public static ICaptionTokenizer Default => SimpleCaptionTokenizer.Instance;

    /// <summary>Captions that are already tokenized: words separated by spaces, used as given.</summary>
    public static ICaptionTokenizer None { get; } = new AsGiven();

    private sealed class AsGiven : ICaptionTokenizer
    {
        public string Name => "none";

        public IReadOnlyList<string> TokenizeBatch(IReadOnlyList<string> captions) => captions;
    }
}
