using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>The text-field checks every JSON endpoint shares (<see cref="TextFields"/>).</summary>
public class SharedRequestCheckTests
{
    [Theory]
    [InlineData(null, "\"question\" is null")]
    [InlineData(" \t", "\"question\" is empty")]
    [InlineData("abcdefghijk", "\"question\" has 11 characters; the limit is 10")]
    public void A_bad_text_is_refused_with_the_given_problem_naming_the_field(string? text, string detail)
    {
        var refused = Assert.Throws<ProblemException>(() => TextFields.Check(text, "\"question\"", 10, Problems.BadText));
        Assert.Same(Problems.BadText, refused.Kind);
        Assert.Equal(detail, refused.Message);
    }

    [Theory]
    [InlineData("ab", 0xD800, "c")]   // a high surrogate with no low one after it
    [InlineData("ab", 0xDC00, "")]    // a low surrogate with no high one before it
    [InlineData("", 0xDBFF, "")]
    public void A_lone_surrogate_is_refused(string before, int surrogate, string after)
    {
        // Built here, not in the attribute: attribute strings are stored as UTF-8, where a lone surrogate cannot live.
        var refused = Assert.Throws<ProblemException>(() => TextFields.Check(before + (char)surrogate + after, "\"question\"", 10, Problems.BadText));
        Assert.Equal("\"question\" holds an unpaired UTF-16 surrogate", refused.Message);
    }

    [Fact]
    public void A_surrogate_pair_is_well_formed_and_kept_as_it_is()
    {
        const string emoji = "a\ud83d\ude00b";   // U+1F600 as its UTF-16 pair
        Assert.Same(emoji, TextFields.Check(emoji, "\"text\"", 10, Problems.BadText));
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/problem+json", true)]
    [InlineData("APPLICATION/JSON", true)]
    [InlineData("text/plain", false)]
    [InlineData(null, false)]
    public void Json_media_types_are_application_json_and_any_plus_json(string? mediaType, bool json) =>
        Assert.Equal(json, JsonBody.IsJson(mediaType));
}
