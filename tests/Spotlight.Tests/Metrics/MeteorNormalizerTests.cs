using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

/// <summary>
/// Expected outputs are what METEOR 1.5's own normalizer prints for these lines (edu.cmu.meteor.util.Normalizer,
/// built from github.com/cmu-mtlab/meteor and run as `Normalizer english true|false`); the comments say which rule
/// each line exercises.
/// </summary>
public class MeteorNormalizerTests
{
    [Theory]
    // Known abbreviation keeps its period; numbers with , and . stay whole; $ splits; final period splits.
    [InlineData("Mr. Smith paid $1,000.50 for 3.5 kg of apples.", "Mr. Smith paid $ 1,000.50 for 3.5 kg of apples .")]
    // Quotes split; -- becomes -; contraction splits right; ... stays one token.
    [InlineData("He said \"it's fine\" -- really...", "He said \" it 's fine \" - really ...")]
    // Dotted abbreviation loses its dots; the dash after it splits; won't → won 't.
    [InlineData("The U.S.-based firm's CEO (aged 45) won't go.", "The US based firm 's CEO ( aged 45 ) won 't go .")]
    // "No." is non-breaking only before a number.
    [InlineData("I saw No. 5 and No more.", "I saw No. 5 and No more .")]
    // Curly and TeX quotes become ' and ".
    [InlineData("“Quotes” and ‘single’ ones, plus ``tex'' style.", "\" Quotes \" and ' single ' ones , plus \" tex \" style .")]
    // Hyphenated words split; e.g. and p.m. lose their dots; Inc. followed by a lower-case word keeps its period.
    [InlineData("well-known e.g. examples at 5 p.m. Inc. today", "well known eg examples at 5 pm Inc. today")]
    [InlineData("a boy's dogs' toys in the 1990's", "a boy 's dogs ' toys in the 1990 's")]
    [InlineData("Wait.... what?!", "Wait .... what ? !")]
    [InlineData("rock 'n' roll 'tis", "rock ' n ' roll ' tis")]
    public void Normalizes_like_meteor_with_punctuation(string input, string expected) =>
        Assert.Equal(expected, MeteorNormalizer.Normalize(input));

    [Theory]
    [InlineData("Mr. Smith paid $1,000.50 for 3.5 kg of apples.", "Mr Smith paid 1 000 50 for 3 5 kg of apples")]
    [InlineData("The U.S.-based firm's CEO (aged 45) won't go.", "The US based firm s CEO aged 45 won t go")]
    [InlineData("Wait.... what?!", "Wait what")]
    public void No_punctuation_mode_deletes_every_non_alphanumeric(string input, string expected) =>
        Assert.Equal(expected, MeteorNormalizer.Normalize(input, keepPunctuation: false));

    [Fact]
    public void A_character_outside_the_basic_plane_stays_one_token()
    {
        // Java's regex sees the emoji as one code point and wraps it in spaces once.
        Assert.Equal("a \U0001F600 b", MeteorNormalizer.Normalize("a\U0001F600b"));
    }
}
