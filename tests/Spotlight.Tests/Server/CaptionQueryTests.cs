using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

public class CaptionQueryTests
{
    private static CaptionQuery Parse(string query) => CaptionQuery.Parse(new QueryCollection(QueryHelpers.ParseQuery(query)), new ServerOptions());

    [Fact]
    public void An_empty_query_takes_the_defaults()
    {
        var q = Parse("");
        Assert.Equal((3, (int?)null, false, 1, false), (q.Beam, q.MaxLength, q.Attention, q.Alternatives, q.ListAlternatives));
        Assert.Equal(new Spotlight.Captioning.CaptionOptions(Beam: 3), q.Decoding);
    }

    [Fact]
    public void Every_parameter_is_read()
    {
        var q = Parse("?beam=5&max_length=12&attention=TRUE&alternatives=4");
        Assert.Equal((5, (int?)12, true, 4, true), (q.Beam, q.MaxLength, q.Attention, q.Alternatives, q.ListAlternatives));
        var d = Parse("?beam=4&min_length=3&no_repeat_ngram=2&repetition_penalty=1.5&length_penalty=gnmt&length_alpha=0.7").Decoding;
        Assert.Equal((4, 3, 2, 1.5, Spotlight.Decoding.LengthPenaltyKind.Gnmt, 0.7), (d.Beam, d.MinLength, d.NoRepeatNgram, d.RepetitionPenalty, d.LengthPenalty, d.LengthAlpha));
        var s = Parse("?sample=true&temperature=0.8&top_k=5&top_p=0.9&seed=42&alternatives=3").Decoding;
        Assert.Equal(new Spotlight.Decoding.SamplingOptions(0.8, 5, 0.9, 42), s.Sampling);
        Assert.Equal((1, 3), (s.Beam, s.Alternatives));
        Assert.True(Parse("?attention=1").Attention);
        Assert.False(Parse("?attention=false").Attention);
    }

    [Fact]
    public void Attention_does_not_split_batches_but_beam_length_and_alternatives_do()
    {
        Assert.Equal(Parse("?beam=2").Key, Parse("?beam=2&attention=true").Key);
        Assert.NotEqual(Parse("?beam=2").Key, Parse("?beam=3").Key);
        Assert.NotEqual(Parse("?beam=2").Key, Parse("?beam=2&max_length=5").Key);
        Assert.NotEqual(Parse("?beam=2").Key, Parse("?beam=2&alternatives=2").Key);
        Assert.NotEqual(Parse("?beam=2").Key, Parse("?beam=2&no_repeat_ngram=2").Key);
        Assert.Equal(Parse("?beam=2&no_repeat_ngram=2").Key, Parse("?no_repeat_ngram=2&beam=2").Key);
        // Two sampled requests with the same settings still never share a batch (their draws would depend on it).
        Assert.NotEqual(Parse("?sample=true&seed=1").Key, Parse("?sample=true&seed=1").Key);
    }

    [Theory]
    [InlineData("?top_p=0.5", "need sample=true")]
    [InlineData("?sample=true&top_p=1.5", "top_p must be a number from")]
    [InlineData("?sample=true&temperature=0", "temperature must be a number from")]
    [InlineData("?sample=true&beam=3", "beam must be 1")]
    [InlineData("?repetition_penalty=0.5", "repetition_penalty must be a number from 1 to 10")]
    [InlineData("?length_penalty=cubic", "length_penalty must be average, gnmt or none")]
    [InlineData("?no_repeat_ngram=11", "no_repeat_ngram must be an integer from 0 to 10")]
    [InlineData("?min_length=20&max_length=10", "min length (20) must be below max length (10)")]
    public void Values_out_of_range_are_422_naming_the_parameter(string query, string detail)
    {
        var e = Assert.Throws<ProblemException>(() => Parse(query));
        Assert.Equal(Problems.BadDecoding, e.Kind);
        Assert.Equal(422, e.Kind.Status);
        Assert.Contains(detail, e.Message);
    }

    [Theory]
    [InlineData("?sample=true&top_p=abc")]
    [InlineData("?sample=true&seed=x")]
    [InlineData("?sample=true&temperature=NaN")]
    [InlineData("?repetition_penalty=")]
    public void Values_that_are_not_numbers_are_400(string query)
    {
        var e = Assert.Throws<ProblemException>(() => Parse(query));
        Assert.Equal(Problems.BadParameter, e.Kind);
    }

    [Fact]
    public void A_huge_bad_value_is_echoed_clipped()
    {
        var e = Assert.Throws<ProblemException>(() => Parse("?beam=" + new string('9', 5000)));
        Assert.Equal(Problems.BadParameter, e.Kind);
        Assert.True(e.Message.Length < 120, e.Message);
    }
}
