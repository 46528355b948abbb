using System.Collections.Concurrent;

namespace Spotlight.Server;

/// <summary>
/// The counters behind <c>GET /metrics</c>: requests by route and status, request latency, batch sizes and decode
/// times, and gauges read when scraped (queue depth, admitted requests, readiness).
/// </summary>
public sealed class ServerMetrics
{
    public static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    public static readonly double[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    private readonly ConcurrentDictionary<(string Route, int Status), long> requests = new();
    private readonly ConcurrentDictionary<string, Histogram> latency = new();
    private long imageBytes, imagePixels, images;

    public Histogram BatchSize { get; } = new(BatchSizeBuckets);
    public Histogram BatchSeconds { get; } = new(LatencyBuckets);

    /// <summary>Read at scrape time: jobs waiting for the model thread, requests admitted, requests waiting for admission, readiness.</summary>
    public Func<int> QueueDepth { get; set; } = () => 0;
    public Func<int> InFlight { get; set; } = () => 0;
    public Func<int> Waiting { get; set; } = () => 0;
    public Func<bool> Ready { get; set; } = () => false;

    /// <summary>Read at scrape time: each loaded task and whether it is ready.</summary>
    public Func<IReadOnlyList<(string Task, bool Ready)>> Tasks { get; set; } = () => [];

    public void ObserveRequest(string route, int status, double seconds)
    {
        requests.AddOrUpdate((route, status), 1, (_, n) => n + 1);
        latency.GetOrAdd(route, _ => new Histogram(LatencyBuckets)).Observe(seconds);
    }

    public void ObserveImage(long bytes, long pixels)
    {
        Interlocked.Increment(ref images);
        Interlocked.Add(ref imageBytes, bytes);
        Interlocked.Add(ref imagePixels, pixels);
    }

    public void ObserveBatch(int size, double seconds)
    {
        BatchSize.Observe(size);
        BatchSeconds.Observe(seconds);
    }

    public long RequestCount(string route, int status) => requests.GetValueOrDefault((route, status));

    public string Render()
    {
        var text = new PrometheusText();
        text.Family("spotlight_http_requests_total", "counter", "HTTP requests answered, by route and status code.");
        foreach (var ((route, status), count) in requests.OrderBy(p => p.Key.Route, StringComparer.Ordinal).ThenBy(p => p.Key.Status))
            text.Sample("spotlight_http_requests_total", count, ("route", route), ("status", status.ToString()));
        text.Family("spotlight_http_request_duration_seconds", "histogram", "Time from request start to response end.");
        foreach (var (route, histogram) in latency.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Histogram("spotlight_http_request_duration_seconds", histogram, ("route", route));
        text.Family("spotlight_batch_size", "histogram", "Images per batched forward pass.");
        text.Histogram("spotlight_batch_size", BatchSize);
        text.Family("spotlight_batch_duration_seconds", "histogram", "Time of one batched decode on the model thread.");
        text.Histogram("spotlight_batch_duration_seconds", BatchSeconds);
        text.Family("spotlight_images_total", "counter", "Images decoded and sent to the model.");
        text.Sample("spotlight_images_total", Interlocked.Read(ref images));
        text.Family("spotlight_image_bytes_total", "counter", "Bytes of the images sent to the model.");
        text.Sample("spotlight_image_bytes_total", Interlocked.Read(ref imageBytes));
        text.Family("spotlight_image_pixels_total", "counter", "Pixels (from the headers) of the images sent to the model.");
        text.Sample("spotlight_image_pixels_total", Interlocked.Read(ref imagePixels));
        text.Family("spotlight_queue_depth", "gauge", "Caption jobs waiting for the model thread.");
        text.Sample("spotlight_queue_depth", QueueDepth());
        text.Family("spotlight_requests_in_flight", "gauge", "Caption requests admitted and not yet answered.");
        text.Sample("spotlight_requests_in_flight", InFlight());
        text.Family("spotlight_requests_waiting", "gauge", "Caption requests waiting for admission.");
        text.Sample("spotlight_requests_waiting", Waiting());
        text.Family("spotlight_model_ready", "gauge", "1 once every loaded model is ready (the captioner has finished its warm-up decode).");
        text.Sample("spotlight_model_ready", Ready() ? 1 : 0);
        text.Family("spotlight_task_ready", "gauge", "1 when the task's model is loaded and ready, by task.");
        foreach (var (task, ready) in Tasks()) text.Sample("spotlight_task_ready", ready ? 1 : 0, ("task", task));
        return text.ToString();
    }
}
