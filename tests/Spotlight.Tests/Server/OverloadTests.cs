using System.Net;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>Concurrency limit, bounded queue, 429 with Retry-After, and the per-request timeout.</summary>
[Collection(ServerCollection.Name)]
public class OverloadTests(ServerFixture fixture)
{
    [Fact]
    public async Task Beyond_the_concurrency_limit_and_the_queue_requests_get_429_with_retry_after()
    {
        var gated = new GatedBackend(fixture.Backend);
        var options = new ServerOptions { MaxConcurrency = 1, MaxQueue = 1, MaxBatch = 1, MaxWaitMs = 0 };
        await using var server = await TestHostHandle.InMemoryAsync(gated, options);
        var gate = server.Service<AdmissionGate>();
        gated.Close();
        try
        {
            var first = Http.PostRaw(server.Client, fixture.Images[0], query: "?beam=1");        // admitted, held in the model
            Assert.True(await gated.EnteredAsync());
            var second = Http.PostRaw(server.Client, fixture.Images[1], query: "?beam=1");       // waits for admission
            await Until(() => gate.Waiting == 1);
            Assert.Equal(1, gate.InFlight);

            var third = await Http.PostRaw(server.Client, fixture.Images[2], query: "?beam=1");  // no room: refused at once
            var problem = await Http.AssertProblem(third, HttpStatusCode.TooManyRequests, "overloaded");
            Assert.Contains("1 are waiting", problem.GetProperty("detail").GetString());
            var retryAfter = third.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);

            gated.Open();
            Http.AssertSameCaption(fixture.Reference(0, ServerFixture.Greedy), await Http.AssertCaption(await first));
            Http.AssertSameCaption(fixture.Reference(1, ServerFixture.Greedy), await Http.AssertCaption(await second));
            Assert.Equal((0, 0), (gate.InFlight, gate.Waiting));
            Assert.Equal(1, server.Service<ServerMetrics>().RequestCount("/v1/captions", 429));
        }
        finally
        {
            gated.Open();
        }
    }

    [Fact]
    public async Task A_request_that_is_not_answered_in_time_gets_504_and_the_server_recovers()
    {
        var gated = new GatedBackend(fixture.Backend);
        var options = new ServerOptions { RequestTimeout = TimeSpan.FromMilliseconds(300), MaxBatch = 1 };
        await using var server = await TestHostHandle.InMemoryAsync(gated, options);
        gated.Close();
        try
        {
            var slow = Http.PostRaw(server.Client, fixture.Images[0], query: "?beam=1");
            Assert.True(await gated.EnteredAsync());
            var problem = await Http.AssertProblem(await slow, HttpStatusCode.GatewayTimeout, "timeout");
            Assert.Contains("0.3 s", problem.GetProperty("detail").GetString());
        }
        finally
        {
            gated.Open();
        }
        Http.AssertSameCaption(fixture.Reference(1, ServerFixture.Greedy),
            await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[1], query: "?beam=1")));
    }

    internal static async Task Until(Func<bool> condition)
    {
        for (int i = 0; i < 400 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "the condition did not become true within 4 s");
    }
}
