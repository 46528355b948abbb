using Spotlight.Metrics.Ptb;
using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

public class PtbTokenizerTests
{
    [Fact]
    public void Brackets_are_lower_cased_before_the_filter_so_they_survive()
    {
        // The lexer writes -LRB-; Java lower-cases it to -lrb-; the Python filter lists only "-LRB-".
        Assert.Equal(["-LRB-", "x", "-RRB-"], PtbTokenizer.LexerTokens("(x)"));
        Assert.Equal("-lrb- x -rrb-", PtbTokenizer.Tokenize("(x)"));
        Assert.Contains("-LRB-", PtbTokenizer.DroppedTokens);
    }

    [Fact]
    public void A_caption_can_end_differently_depending_on_the_next_caption()
    {
        // CoreNLP 3.4.1 on "plan B.\nThe end" splits the acronym's period off (a sentence end before "The");
        // on "plan B." alone it keeps "B." whole. Both outputs were taken from the Java tokenizer.
        Assert.Equal(["plan b", "the end"], PtbTokenizer.TokenizeBatch(["plan B.", "The end"]));
        Assert.Equal("plan b.", PtbTokenizer.Tokenize("plan B."));
    }

    [Fact]
    public void Line_breaks_inside_a_caption_become_spaces_so_captions_stay_aligned()
    {
        var tokens = PtbTokenizer.TokenizeBatch(["a\nb", "c\rd", "e\u2028f", "g"]);
        Assert.Equal(["a b", "c d", "e f", "g"], tokens);
    }

    [Fact]
    public void Empty_and_punctuation_only_captions_become_empty_but_runs_of_marks_survive()
    {
        // From the Java pipeline: "!?" and "!!" are single tokens ([?!]+) that the filter does not list.
        Assert.Equal(["", "", "!?", "dog", "wow !!"], PtbTokenizer.TokenizeBatch(["", "... ,", "... !?", "Dog.", "Wow!!"]));
    }

    [Theory]
    // Java 17 String.toLowerCase(Locale.ENGLISH) gave these (see JavaCase for the rule).
    [InlineData("\u03A3\u039F\u03A6\u039F\u03A3", "\u03C3\u03BF\u03C6\u03BF\u03C2")]
    [InlineData("A\u03A3", "a\u03C2")]
    [InlineData("\u03A3A", "\u03C3a")]
    [InlineData("1\u03A3", "1\u03C3")]
    [InlineData("\u0130X", "i\u0307x")]
    public void Lower_casing_follows_Java_for_sigma_and_dotted_capital_i(string raw, string expected)
    {
        Assert.Equal(expected, PtbTokenizer.Tokenize(raw));
    }

    [Fact]
    public void The_dropped_tokens_are_exactly_the_wrapper_punctuation_list()
    {
        string[] python = ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";"];
        Assert.Equal(python.Order(StringComparer.Ordinal), PtbTokenizer.DroppedTokens.Order(StringComparer.Ordinal));
    }
}
