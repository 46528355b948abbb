using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Spotlight.Server;
using Xunit.Abstractions;

namespace Spotlight.Tests.Server;

[Collection(ServerCollection.Name)]
public class SoakTests(ServerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Over_a_thousand_bad_requests_among_good_ones_cause_no_5xx_and_no_wrong_answer()
    {
        var options = new ServerOptions { MaxPixels = 1_000_000, MaxBodyBytes = 64 * 1024, MaxBatch = 8, MaxWaitMs = 2, MaxConcurrency = 64, MaxQueue = 64 };
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, options);
        var requests = SoakRequests.Generate(fixture, seed: 20240607, options.MaxBodyBytes);
        Assert.True(requests.Count(r => r.Expected is null) >= 1000);

        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<(string Kind, int Status), int>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (request, cancel) =>
        {
            using var response = await server.Client.SendAsync(request.Build(), cancel);
            int status = (int)response.StatusCode;
            statuses.AddOrUpdate((request.Kind, status), 1, (_, n) => n + 1);
            var body = await response.Content.ReadAsStringAsync(cancel);
            if (status >= 500) failures.Add($"{request.Kind}: {status} {body}");
            else if (request.Statuses is { } expected && !expected.Contains(status)) failures.Add($"{request.Kind}: expected {string.Join(" or ", expected)}, got {status} {body}");
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json") failures.Add($"{request.Kind}: {status} without problem+json");
            else if (request.Expected is { } reference)
            {
                try { Http.AssertSameCaption(reference, await Http.AssertCaption(response), Http.BatchedTolerance); }
                catch (Exception e) { failures.Add($"good request answered wrongly: {e.Message}"); }
            }
        });
        output.WriteLine($"{requests.Count} requests in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var ((kind, status), count) in statuses.OrderBy(p => p.Key.Kind).ThenBy(p => p.Key.Status))
            output.WriteLine($"{kind,-24} {status} × {count}");

        Assert.Empty(failures.Take(10));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.DoesNotContain("status=\"5", metrics);
    }
}
