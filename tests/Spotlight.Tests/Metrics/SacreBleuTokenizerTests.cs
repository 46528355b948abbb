using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

/// <summary>Hand-worked cases of mteval-v13a's rules as sacreBLEU's tokenizer_13a.py / tokenizer_re.py apply them.</summary>
public class SacreBleuTokenizerTests
{
    [Theory]
    [InlineData("Hello, world!", "Hello , world !")]                   // comma and symbol split off
    [InlineData("It wasn't.", "It wasn't .")]                           // apostrophe is not a symbol
    [InlineData("3.14 and 1,000", "3.14 and 1,000")]                    // . and , between digits stay
    [InlineData("pages 1990-2000", "pages 1990 - 2000")]                // dash after a digit splits
    [InlineData("well-known", "well-known")]                            // other dashes stay
    [InlineData("U.S.A.", "U . S . A .")]                               // every period after a letter splits
    [InlineData("a &amp; b &lt;c&gt; &quot;q&quot;", "a & b < c > \" q \"")]   // entities, then symbols
    [InlineData("x <skipped> y", "x y")]
    [InlineData("co-\nop\nend", "coop end")]                            // hyphenated line break joins
    [InlineData("  spaced \t out  ", "spaced out")]
    [InlineData("(a)[b]{c}", "( a ) [ b ] { c }")]
    public void Thirteen_a_tokenizes_like_mteval_v13a(string input, string expected)
    {
        Assert.Equal(expected, SacreBleuTokenizers.Tokenize13a(input));
    }

    [Fact]
    public void None_tokenizer_leaves_the_line_alone()
    {
        Assert.Equal("Hello, world!", SacreBleuTokenizers.Tokenize(SacreBleuTokenizer.None, "Hello, world!"));
    }

    [Fact]
    public void Python_whitespace_includes_the_information_separators()
    {
        // Python's str.split() splits on U+001C..U+001F (and U+00A0); .NET's char.IsWhiteSpace misses the former.
        Assert.Equal("a b c", SacreBleuTokenizers.Tokenize13a("a\u001Fb\u00A0c"));
    }

    [Fact]
    public void Unknown_tokenizer_name_is_a_clear_error()
    {
        var ex = Assert.Throws<SpotlightException>(() => SacreBleuTokenizers.Parse("intl"));
        Assert.Equal("unknown sacreBLEU tokenizer 'intl': expected 13a or none", ex.Message);
    }
}
