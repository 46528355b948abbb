using Spotlight.Metrics.Ptb;
namespace Spotlight.Tests.Metrics;

using Spotlight.Metrics;

/// <summary>
/// Oracle: every expected string below is what the COCO pipeline printed for the input, i.e. Stanford CoreNLP
/// 3.4.1 (built from the v3.4.1 tag of stanfordnlp/CoreNLP) run as <c>PTBTokenizer -preserveLines -lowerCase</c>
/// through pycocoevalcap's tokenizer/ptbtokenizer.py, which then drops its PUNCTUATIONS list.
/// "3 1/2" keeps a no-break space (U+00A0) inside its one token, as CoreNLP writes it.
/// </summary>
public class PtbTokenizerCasesTests
{
    [Theory]
    [InlineData("Don't stop", "do n't stop")]
    [InlineData("I cannot go", "i can not go")]
    [InlineData("It's here", "it 's here")]
    [InlineData("We'll see", "we 'll see")]
    [InlineData("I'm done", "i 'm done")]
    [InlineData("They've left", "they 've left")]
    [InlineData("He'd go", "he 'd go")]
    [InlineData("I can't", "i ca n't")]
    [InlineData("It won't", "it wo n't")]
    [InlineData("y'all come", "y' all come")]
    [InlineData("gonna run", "gon na run")]
    [InlineData("'Twas night", "'t was night")]
    [InlineData("O'Neil's dog", "o'neil 's dog")]
    public void Contractions_split_as_in_the_Penn_Treebank(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("$5 pizza", "$ 5 pizza")]
    [InlineData("$5.99 each", "$ 5.99 each")]
    [InlineData("US$10 bill", "us$ 10 bill")]
    [InlineData("\u00A320 note", "# 20 note")]
    [InlineData("\u20AC30 fee", "$ 30 fee")]
    [InlineData("\u00A250 coin", "cents 50 coin")]
    public void Currency_signs_are_split_off_and_normalized(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("She said \"hi\" to me", "she said hi to me")]
    [InlineData("a 'single' quote", "a single quote")]
    [InlineData("`back' quote", "back quote")]
    [InlineData("\u201Ccurly\u201D quotes", "curly quotes")]
    [InlineData("\u2018curl\u2019 quote", "curl quote")]
    [InlineData("\u00ABguillemets\u00BB", "guillemets")]
    public void Quotes_of_every_kind_become_PTB_quotes_and_are_dropped(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("well--done", "well done")]
    [InlineData("a - b", "a b")]
    [InlineData("a \u2014 b", "a b")]
    [InlineData("a \u2013 b", "a b")]
    [InlineData("a --- b", "a b")]
    [InlineData("a ---- b", "a b")]
    [InlineData("a ----- b", "a ----- b")]
    public void Dashes_and_hyphen_runs(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("wait...", "wait")]
    [InlineData("wait. . .", "wait")]
    [InlineData("wait\u2026", "wait")]
    [InlineData("wait....", "wait")]
    public void Ellipses_become_dots_and_are_dropped(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("a (left) b", "a -lrb- left -rrb- b")]
    [InlineData("a [right] b", "a -lsb- right -rsb- b")]
    [InlineData("a {brace} b", "a -lcb- brace -rcb- b")]
    public void Brackets_become_PTB_escapes_that_survive_lower_casing(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("state-of-the-art", "state-of-the-art")]
    [InlineData("co-ed", "co-ed")]
    [InlineData("T-shirt", "t-shirt")]
    [InlineData("x-ray", "x-ray")]
    [InlineData("e-mail", "e-mail")]
    public void Hyphenated_words_stay_whole(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("Mr. Smith", "mr. smith")]
    [InlineData("the U.S. flag", "the u.s. flag")]
    [InlineData("e.g. dogs", "e.g. dogs")]
    [InlineData("cats, dogs, etc.", "cats dogs etc.")]
    [InlineData("at 10 a.m. today", "at 10 a.m. today")]
    [InlineData("Dr. Who", "dr. who")]
    [InlineData("Acme Inc. sign", "acme inc. sign")]
    [InlineData("Washington D.C. sign", "washington d.c. sign")]
    public void Abbreviations_keep_their_periods(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("3.14", "3.14")]
    [InlineData("1,000 people", "1,000 people")]
    [InlineData("at 10:30", "at 10:30")]
    [InlineData("1/2 cup", "1/2 cup")]
    [InlineData("3 1/2 cups", "3\u00A01/2 cups")]
    [InlineData("\u00BD cup", "1/2 cup")]
    [InlineData("12/25/2015", "12/25/2015")]
    public void Numbers_fractions_and_dates(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("caf\u00E9", "caf\u00E9")]
    [InlineData("Z\u00FCrich", "z\u00FCrich")]
    [InlineData("\u03A3\u039F\u03A6\u039F\u03A3", "\u03C3\u03BF\u03C6\u03BF\u03C2")]
    [InlineData("\u041C\u043E\u0441\u043A\u0432\u0430", "\u043C\u043E\u0441\u043A\u0432\u0430")]
    [InlineData("\u6771\u4EAC", "\u6771\u4EAC")]
    [InlineData("\u0130stanbul", "i\u0307stanbul")]
    [InlineData("stra\u00DFe", "stra\u00DFe")]
    [InlineData("na\u00EFve", "na\u00EFve")]
    public void Non_ASCII_letters_are_kept_and_lower_cased_as_Java_does(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("\uD83C\uDF55 pizza", "pizza")]
    [InlineData("a\u0528b", "a b")]
    [InlineData("zero\u200Bwidth", "zero width")]
    public void Characters_the_lexer_cannot_tokenize_are_dropped(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));

    [Theory]
    [InlineData("5% off", "5 % off")]
    [InlineData("a & b", "a & b")]
    [InlineData("AT&T", "at&t")]
    [InlineData("R&amp;B", "r&b")]
    [InlineData("#1 fan", "# 1 fan")]
    [InlineData("@user hi", "@user hi")]
    [InlineData("C++ code", "c++ code")]
    [InlineData("30\u00B0C", "30 \u00B0 c")]
    [InlineData("x=y", "x = y")]
    [InlineData("a/b", "a/b")]
    [InlineData("5*3", "5 * 3")]
    [InlineData("www.google.com", "www.google.com")]
    [InlineData("http://example.com/a", "http://example.com/a")]
    [InlineData("foo@bar.com", "foo@bar.com")]
    [InlineData("A MAN ON A HORSE.", "a man on a horse")]
    [InlineData("Two dogs! Playing?", "two dogs playing")]
    [InlineData("a dog; a cat: a cow", "a dog a cat a cow")]
    [InlineData("a\u00A0dog", "a dog")]
    [InlineData("a\tdog", "a dog")]
    public void Symbols_urls_and_punctuation(string raw, string expected) => Assert.Equal(expected, PtbTokenizer.Tokenize(raw));
}
