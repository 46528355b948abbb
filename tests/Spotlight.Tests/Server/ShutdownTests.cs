using System.Net;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>Stopping (what SIGTERM does) refuses new connections but lets the request in flight finish.</summary>
[Collection(ServerCollection.Name)]
public class ShutdownTests(ServerFixture fixture)
{
    [Fact]
    public async Task Stopping_the_host_lets_an_in_flight_request_complete()
    {
        var gated = new GatedBackend(fixture.Backend);
        await using var server = await TestHostHandle.KestrelAsync(gated, new ServerOptions { ShutdownTimeout = TimeSpan.FromSeconds(20) });
        gated.Close();
        Task stopping = Task.CompletedTask;
        try
        {
            var inFlight = Http.PostRaw(server.Client, fixture.Images[0], query: "?beam=1");
            Assert.True(await gated.EnteredAsync());

            stopping = server.App.StopAsync();
            await Task.Delay(300);
            Assert.False(stopping.IsCompleted, "the host stopped without waiting for the request in flight");
            Assert.False(server.Service<Readiness>().IsReady);   // readiness drops as soon as stopping starts
            using (var fresh = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) })
                await Assert.ThrowsAnyAsync<HttpRequestException>(() => fresh.GetAsync("/healthz"));   // no longer listening

            gated.Open();
            var json = await Http.AssertCaption(await inFlight);
            Http.AssertSameCaption(fixture.Reference(0, ServerFixture.Greedy), json);
            await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            gated.Open();
        }
    }
}
