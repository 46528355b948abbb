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
        Assert.Equal(new CaptionQuery(Beam: 3, MaxLength: null, Attention: false, Alternatives: 1, ListAlternatives: false), Parse(""));
    }

    [Fact]
    public void Every_parameter_is_read()
    {
        Assert.Equal(new CaptionQuery(5, 12, true, 4, true), Parse("?beam=5&max_length=12&attention=TRUE&alternatives=4"));
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
    }

    [Fact]
    public void A_huge_bad_value_is_echoed_clipped()
    {
        var e = Assert.Throws<ProblemException>(() => Parse("?beam=" + new string('9', 5000)));
        Assert.Equal(Problems.BadParameter, e.Kind);
        Assert.True(e.Message.Length < 120, e.Message);
    }
}
