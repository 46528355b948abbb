using Spotlight.Text;

namespace Spotlight.Tests.Text;

public class CaptionTokenizerTests
{
    [Theory]
    [InlineData("A man riding a horse.", "a|man|riding|a|horse")]
    [InlineData("  Two DOGS,   playing!! ", "two|dogs|playing")]
    [InlineData("Don't stop: a t-shirt costs 3.5 euros", "don't|stop|a|t-shirt|costs|3.5|euros")]
    [InlineData("the dog’s ball", "the|dog's|ball")]
    [InlineData("a café in Zürich", "a|café|in|zürich")]
    [InlineData("東京 タワー", "東京|タワー")]
    [InlineData("end-", "end")]
    [InlineData("'quoted' words", "quoted|words")]
    [InlineData("1,000 birds", "1,000|birds")]
    [InlineData("", "")]
    [InlineData("?!.", "")]
    public void Captions_split_into_lowercase_words_without_punctuation(string text, string expected)
    {
        var tokens = CaptionTokenizer.Tokenize(text);
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), tokens);
    }

    [Fact]
    public void Composed_and_decomposed_accents_give_the_same_token()
    {
        // "café" with U+00E9, and with "e" + U+0301 COMBINING ACUTE ACCENT.
        Assert.Equal(CaptionTokenizer.Tokenize("caf\u00e9"), CaptionTokenizer.Tokenize("cafe\u0301"));
        Assert.Equal(["caf\u00e9"], CaptionTokenizer.Tokenize("CAFE\u0301"));
    }

    [Fact]
    public void Punctuation_can_be_kept_as_separate_tokens()
    {
        Assert.Equal(["hi", ",", "there", "!"], CaptionTokenizer.Tokenize("Hi, there!", keepPunctuation: true));
    }
}
