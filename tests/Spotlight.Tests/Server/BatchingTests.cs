using System.Text.Json;
using Spotlight.Captioning;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>
/// Concurrent requests share one batched forward pass, and each still gets exactly its own image's caption: the
/// one computed for that image alone. A long max wait makes the batches deterministic: a batch leaves when full.
/// </summary>
[Collection(ServerCollection.Name)]
public class BatchingTests(ServerFixture fixture)
{
    [Fact]
    public async Task Concurrent_requests_for_different_images_are_batched_and_each_gets_its_own_caption()
    {
        int n = fixture.Images.Count;   // 8
        var gated = new GatedBackend(fixture.Backend);
        var options = new ServerOptions { MaxBatch = n, MaxWaitMs = 5000 };
        await using var server = await TestHostHandle.InMemoryAsync(gated, options);

        var answers = await Task.WhenAll(Enumerable.Range(0, n).Select(i =>
            Http.PostRaw(server.Client, fixture.Images[i], query: "?beam=3&alternatives=3&attention=true")));
        var references = Enumerable.Range(0, n).Select(i => fixture.Reference(i, ServerFixture.Beam3)).ToList();
        // The test can only catch mixed-up answers if the images' captions differ by more than the tolerance.
        var logProbs = references.Select(r => r.LogProb).Order().ToList();
        Assert.True(logProbs.Zip(logProbs.Skip(1)).All(p => p.Second - p.First > 10 * Http.BatchedTolerance), string.Join(", ", logProbs));
        for (int i = 0; i < n; i++)
        {
            var json = await Http.AssertCaption(answers[i]);
            Http.AssertSameCaption(references[i], json, Http.BatchedTolerance);
            Assert.Equal(n, json.GetProperty("timings").GetProperty("batch_size").GetInt32());
        }
        Assert.Equal([1, n], gated.BatchSizes);   // the warm-up, then all eight in one forward pass
    }

    [Fact]
    public async Task Requests_with_different_settings_are_batched_separately_and_decoded_with_their_own()
    {
        var gated = new GatedBackend(fixture.Backend);
        var options = new ServerOptions { MaxBatch = 3, MaxWaitMs = 5000 };
        await using var server = await TestHostHandle.InMemoryAsync(gated, options);

        // Interleaved: greedy, beam 3, greedy, beam 3, ... three of each.
        var requests = Enumerable.Range(0, 6).Select(i => (Image: i, Options: i % 2 == 0 ? ServerFixture.Greedy : ServerFixture.Beam3)).ToList();
        var answers = await Task.WhenAll(requests.Select(r =>
            Http.PostRaw(server.Client, fixture.Images[r.Image], query: r.Options.Beam == 1 ? "?beam=1" : "?beam=3&alternatives=3")));
        for (int i = 0; i < requests.Count; i++)
        {
            var json = await Http.AssertCaption(answers[i]);
            Http.AssertSameCaption(fixture.Reference(requests[i].Image, requests[i].Options), json, Http.BatchedTolerance);
            Assert.Equal(3, json.GetProperty("timings").GetProperty("batch_size").GetInt32());
        }
        Assert.Equal([1, 3, 3], gated.BatchSizes);
    }

    [Fact]
    public async Task A_lone_request_waits_max_wait_for_company_then_goes_alone()
    {
        var options = new ServerOptions { MaxBatch = 8, MaxWaitMs = 150 };
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, options);
        var json = await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[3], query: "?beam=1"));
        Http.AssertSameCaption(fixture.Reference(3, ServerFixture.Greedy), json);
        var timings = json.GetProperty("timings");
        Assert.Equal(1, timings.GetProperty("batch_size").GetInt32());
        double queue = timings.GetProperty("queue_ms").GetDouble();
        Assert.InRange(queue, 145, 5000);   // it waited the whole 150 ms (less 5 ms of timer slack), not forever
    }

    [Fact]
    public async Task Without_batching_each_request_is_decoded_alone_and_answers_are_the_same()
    {
        var gated = new GatedBackend(fixture.Backend);
        var options = new ServerOptions { MaxBatch = 1, MaxWaitMs = 0 };
        await using var server = await TestHostHandle.InMemoryAsync(gated, options);
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Http.PostRaw(server.Client, fixture.Images[i], query: "?beam=1")));
        for (int i = 0; i < 4; i++)
        {
            var json = await Http.AssertCaption(answers[i]);
            Http.AssertSameCaption(fixture.Reference(i, ServerFixture.Greedy), json);
        }
        Assert.Equal([1, 1, 1, 1, 1], gated.BatchSizes);
    }
}
