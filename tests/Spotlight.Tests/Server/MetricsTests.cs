using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary><c>GET /metrics</c> in Prometheus text format 0.0.4, checked against the requests the test made.</summary>
[Collection(ServerCollection.Name)]
public partial class MetricsTests(ServerFixture fixture)
{
    [Fact]
    public async Task Metrics_count_requests_by_status_latencies_batches_and_images()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, new ServerOptions { MaxBatch = 1 });
        for (int i = 0; i < 3; i++) await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[i], query: "?beam=1"));
        for (int i = 0; i < 2; i++) await Http.PostRaw(server.Client, fixture.Images[0], query: "?beam=0");
        await server.Client.GetAsync("/healthz");

        var response = await server.Client.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var samples = Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(3, samples["spotlight_http_requests_total{route=\"/v1/captions\",status=\"200\"}"]);
        Assert.Equal(2, samples["spotlight_http_requests_total{route=\"/v1/captions\",status=\"422\"}"]);
        Assert.Equal(1, samples["spotlight_http_requests_total{route=\"/healthz\",status=\"200\"}"]);
        Assert.Equal(5, samples["spotlight_http_request_duration_seconds_count{route=\"/v1/captions\"}"]);
        Assert.Equal(5, samples["spotlight_http_request_duration_seconds_bucket{route=\"/v1/captions\",le=\"+Inf\"}"]);
        Assert.True(samples["spotlight_http_request_duration_seconds_sum{route=\"/v1/captions\"}"] > 0);
        var buckets = ServerMetrics.LatencyBuckets.Select(b => samples[$"spotlight_http_request_duration_seconds_bucket{{route=\"/v1/captions\",le=\"{PrometheusText.Number(b)}\"}}"]).ToList();
        Assert.Equal(buckets.Order(), buckets);   // cumulative

        Assert.Equal(3, samples["spotlight_batch_size_count"]);           // the warm-up is not a request's batch
        Assert.Equal(3, samples["spotlight_batch_size_bucket{le=\"1\"}"]);
        Assert.Equal(3, samples["spotlight_images_total"]);
        Assert.Equal(fixture.Images.Take(3).Sum(b => b.Length), samples["spotlight_image_bytes_total"]);
        Assert.Equal(3 * 32 * 32, samples["spotlight_image_pixels_total"]);
        Assert.Equal(0, samples["spotlight_queue_depth"]);
        Assert.Equal(0, samples["spotlight_requests_in_flight"]);
        Assert.Equal(1, samples["spotlight_model_ready"]);
    }

    [Fact]
    public async Task The_batch_size_histogram_sees_a_batch_of_four()
    {
        var gated = new GatedBackend(fixture.Backend);
        await using var server = await TestHostHandle.InMemoryAsync(gated, new ServerOptions { MaxBatch = 4, MaxWaitMs = 5000 });
        await BatchingTests.QueueBehindABlocker(server, gated, fixture.Images[7], Enumerable.Range(0, 4).Select(i =>
            (Func<Task<HttpResponseMessage>>)(() => Http.PostRaw(server.Client, fixture.Images[i], query: "?beam=1"))));
        var samples = Parse(await server.Client.GetStringAsync("/metrics"));
        Assert.Equal(2, samples["spotlight_batch_size_count"]);   // the blocker alone, then the four together
        Assert.Equal(5, samples["spotlight_batch_size_sum"]);
        Assert.Equal(1, samples["spotlight_batch_size_bucket{le=\"2\"}"]);
        Assert.Equal(2, samples["spotlight_batch_size_bucket{le=\"4\"}"]);
    }

    [Fact]
    public void Histogram_buckets_are_inclusive_upper_bounds_and_cumulative()
    {
        var histogram = new Histogram([1, 2, 4]);
        foreach (var x in new[] { 1.0, 2, 3, 4, 5 }) histogram.Observe(x);
        var (cumulative, sum, count) = histogram.Snapshot();
        Assert.Equal([1L, 2, 4, 5], cumulative);   // ≤1: {1}; ≤2: {1,2}; ≤4: {1,2,3,4}; +Inf: all five
        Assert.Equal(15, sum);
        Assert.Equal(5, count);
    }

    [Fact]
    public void Label_values_are_escaped_as_the_text_format_requires()
    {
        var text = new PrometheusText();
        text.Sample("m", 1.5, ("path", "a\"b\\c\nd"));
        Assert.Equal("m{path=\"a\\\"b\\\\c\\nd\"} 1.5\n", text.ToString());
    }

    /// <summary>Every line is a comment (# HELP / # TYPE) or "series value"; returns series → value.</summary>
    private static Dictionary<string, double> Parse(string exposition)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(CommentLine(), line);
                continue;
            }
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            samples.Add(match.Groups["series"].Value, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture));
        }
        return samples;
    }

    [GeneratedRegex("""^# (HELP [a-z_]+ .+|TYPE [a-z_]+ (counter|gauge|histogram))$""")]
    private static partial Regex CommentLine();

    [GeneratedRegex("""^(?<series>[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})?) (?<value>[-+0-9.eE]+|\+Inf|NaN)$""")]
    private static partial Regex SampleLine();
}
