using System.Net;
using System.Net.Http.Headers;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>
/// Concurrent requests share one batched forward pass, and each still gets exactly its own image's caption: the
/// one computed for that image alone. To make batches deterministic, a first request holds the model thread (the
/// gate is closed) while the others queue up; when the gate opens they are all waiting, and leave in full batches.
/// </summary>
[Collection(ServerCollection.Name)]
public class BatchingTests(ServerFixture fixture)
{
    [Fact]
    public async Task Concurrent_requests_for_different_images_are_batched_and_each_gets_its_own_caption()
    {
        int n = fixture.Images.Count;   // 8
        var gated = new GatedBackend(fixture.Backend);
        await using var server = await TestHostHandle.InMemoryAsync(gated, new ServerOptions { MaxBatch = n, MaxWaitMs = 5000 });
        var (blocker, answers) = await QueueBehindABlocker(server, gated, fixture.Images[7], Enumerable.Range(0, n).Select(i =>
            (Func<Task<HttpResponseMessage>>)(() => Http.PostRaw(server.Client, fixture.Images[i], query: "?beam=3&alternatives=3&attention=true"))));

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
        await Http.AssertCaption(await blocker);
        Assert.Equal([1, 1, n], gated.BatchSizes);   // the warm-up, the blocker, then all eight in one forward pass
    }

    [Fact]
    public async Task Requests_with_different_settings_are_batched_separately_and_decoded_with_their_own()
    {
        var gated = new GatedBackend(fixture.Backend);
        await using var server = await TestHostHandle.InMemoryAsync(gated, new ServerOptions { MaxBatch = 3, MaxWaitMs = 5000 });
        // Interleaved: greedy, beam 3, greedy, beam 3, ... three of each.
        var requests = Enumerable.Range(0, 6).Select(i => (Image: i, Options: i % 2 == 0 ? ServerFixture.Greedy : ServerFixture.Beam3)).ToList();
        var (blocker, answers) = await QueueBehindABlocker(server, gated, fixture.Images[7], requests.Select(r =>
            (Func<Task<HttpResponseMessage>>)(() => Http.PostRaw(server.Client, fixture.Images[r.Image], query: r.Options.Beam == 1 ? "?beam=1" : "?beam=3&alternatives=3"))));
        for (int i = 0; i < requests.Count; i++)
        {
            var json = await Http.AssertCaption(answers[i]);
            Http.AssertSameCaption(fixture.Reference(requests[i].Image, requests[i].Options), json, Http.BatchedTolerance);
            Assert.Equal(3, json.GetProperty("timings").GetProperty("batch_size").GetInt32());
        }
        await Http.AssertCaption(await blocker);
        Assert.Equal([1, 1, 3, 3], gated.BatchSizes);
    }

    [Fact]
    public async Task Lone_requests_one_after_another_are_decoded_at_once_without_waiting_for_company()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, new ServerOptions { MaxBatch = 8, MaxWaitMs = 5000 });
        for (int i = 3; i < 5; i++)
        {
            var json = await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[i], query: "?beam=1"));
            Http.AssertSameCaption(fixture.Reference(i, ServerFixture.Greedy), json);
            Assert.Equal(1, json.GetProperty("timings").GetProperty("batch_size").GetInt32());
            Assert.InRange(json.GetProperty("timings").GetProperty("queue_ms").GetDouble(), 0, 1000);   // not the 5 s max wait
        }
    }

    [Fact]
    public async Task Right_after_a_batch_of_several_a_request_waits_for_the_others_to_come_back()
    {
        var gated = new GatedBackend(fixture.Backend);
        await using var server = await TestHostHandle.InMemoryAsync(gated, new ServerOptions { MaxBatch = 8, MaxWaitMs = 1000 });
        await QueueBehindABlocker(server, gated, fixture.Images[7], Enumerable.Range(0, 3).Select(i =>
            (Func<Task<HttpResponseMessage>>)(() => Http.PostRaw(server.Client, fixture.Images[i], query: "?beam=1"))));
        // Its batch of three was answered a moment ago, so their clients are expected back: this one waits (up to
        // 1 s after that batch ended) for company, though no one else is admitted.
        var json = await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[3], query: "?beam=1"));
        Http.AssertSameCaption(fixture.Reference(3, ServerFixture.Greedy), json);
        Assert.InRange(json.GetProperty("timings").GetProperty("queue_ms").GetDouble(), 300, 1100);
        Assert.Equal([1, 1, 3, 1], gated.BatchSizes);
    }

    [Fact]
    public async Task A_request_waits_max_wait_for_another_admitted_one_then_goes_alone()
    {
        // Over a socket, a request is admitted as soon as its headers arrive; this one's body never finishes in time.
        await using var server = await TestHostHandle.KestrelAsync(fixture.Backend, new ServerOptions { MaxBatch = 8, MaxWaitMs = 300 });
        var body = new HeldStream(fixture.Images[0]);
        var slowContent = new StreamContent(body);
        slowContent.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        // Expect: 100-continue makes the client send the headers at once and the body only when the server reads it.
        var slowRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/captions?beam=1") { Content = slowContent };
        slowRequest.Headers.ExpectContinue = true;
        var slow = server.Client.SendAsync(slowRequest);
        await OverloadTests.Until(() => server.Service<AdmissionGate>().InFlight == 1);

        var json = await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[3], query: "?beam=1"));
        Http.AssertSameCaption(fixture.Reference(3, ServerFixture.Greedy), json);
        var timings = json.GetProperty("timings");
        Assert.Equal(1, timings.GetProperty("batch_size").GetInt32());
        Assert.InRange(timings.GetProperty("queue_ms").GetDouble(), 295, 5000);   // the whole 300 ms (less timer slack)

        body.Release();
        Http.AssertSameCaption(fixture.Reference(0, ServerFixture.Greedy), await Http.AssertCaption(await slow));
    }

    [Fact]
    public async Task Without_batching_each_request_is_decoded_alone_and_answers_are_the_same()
    {
        var gated = new GatedBackend(fixture.Backend);
        await using var server = await TestHostHandle.InMemoryAsync(gated, new ServerOptions { MaxBatch = 1, MaxWaitMs = 0 });
        var (blocker, answers) = await QueueBehindABlocker(server, gated, fixture.Images[7], Enumerable.Range(0, 4).Select(i =>
            (Func<Task<HttpResponseMessage>>)(() => Http.PostRaw(server.Client, fixture.Images[i], query: "?beam=1"))));
        for (int i = 0; i < 4; i++)
            Http.AssertSameCaption(fixture.Reference(i, ServerFixture.Greedy), await Http.AssertCaption(answers[i]));
        await Http.AssertCaption(await blocker);
        Assert.Equal([1, 1, 1, 1, 1, 1], gated.BatchSizes);
    }

    /// <summary>
    /// Holds the model thread with one request (max_length 1, a key of its own), starts the others, waits until all
    /// are queued, and opens the gate.
    /// </summary>
    internal static async Task<(Task<HttpResponseMessage> Blocker, HttpResponseMessage[] Answers)> QueueBehindABlocker(
        TestHostHandle server, GatedBackend gated, byte[] blockerImage, IEnumerable<Func<Task<HttpResponseMessage>>> requests)
    {
        gated.Close();
        try
        {
            var blocker = Http.PostRaw(server.Client, blockerImage, query: "?beam=1&max_length=1");
            Assert.True(await gated.EnteredAsync());
            var started = requests.Select(send => send()).ToList();
            var batcher = server.Service<CaptionBatcher>();
            await OverloadTests.Until(() => batcher.QueueDepth == started.Count);
            gated.Open();
            return (blocker, await Task.WhenAll(started));
        }
        finally
        {
            gated.Open();
        }
    }

    /// <summary>A request body that sends nothing until released, then the whole image.</summary>
    private sealed class HeldStream(byte[] data) : Stream
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int position;

        public void Release() => released.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel = default)
        {
            await released.Task.WaitAsync(TimeSpan.FromSeconds(20), cancel);
            int count = Math.Min(buffer.Length, data.Length - position);
            data.AsMemory(position, count).CopyTo(buffer);
            position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
