using System.Net;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>The same server through a real socket: Kestrel on a loopback port the OS picks.</summary>
[Collection(ServerCollection.Name)]
public class KestrelTests(ServerFixture fixture)
{
    [Fact]
    public async Task Over_a_loopback_socket_captions_errors_and_health_work()
    {
        await using var server = await TestHostHandle.KestrelAsync(fixture.Backend, new ServerOptions { MaxBodyBytes = 4096 });
        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.NotEqual(0, server.BaseAddress.Port);

        var json = await Http.AssertCaption(await Http.PostForm(server.Client, fixture.Images[0], "?beam=3&alternatives=3&attention=true"));
        Http.AssertSameCaption(fixture.Reference(0, ServerFixture.Beam3), json);
        // Over the limit, small and larger than the socket buffers: the 413 arrives and the connection stays usable.
        await Http.AssertProblem(await Http.PostRaw(server.Client, new byte[10_000]), HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        await Http.AssertProblem(await Http.PostRaw(server.Client, new byte[3_000_000]), HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        await Http.AssertProblem(await Http.PostRaw(server.Client, BadImages.Tiff()), HttpStatusCode.UnsupportedMediaType, "unsupported-image-format");
        await Http.AssertProblem(await Http.PostRaw(server.Client, fixture.Images[0], query: "?max_length=10000"), HttpStatusCode.UnprocessableEntity, "bad-decoding-parameter");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);
        Http.AssertSameCaption(fixture.Reference(1, ServerFixture.Greedy),
            await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[1], query: "?beam=1")));
    }

    [Fact]
    public void By_default_the_server_listens_on_loopback_only()
    {
        var url = Assert.Single(new ServerOptions().Urls);
        Assert.Equal("127.0.0.1", new Uri(url).Host);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:8443")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("http://")]
    public void Addresses_other_than_http_or_https_are_refused_with_one_line(string url)
    {
        var e = Assert.Throws<SpotlightException>(() => new ServerOptions { Urls = [url] }.Validate());
        Assert.Contains(url, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
