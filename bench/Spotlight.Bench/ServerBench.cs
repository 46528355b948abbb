using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Spotlight.Captioning;
using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Server;
using Spotlight.Text;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using TorchSharp;

namespace Spotlight.Bench;

/// <summary>
/// The caption server on a loopback port: requests/s and p50/p99 latency at concurrency 1, 4 and 16 with batching
/// on and off, then working set after 1,000 and 10,000 requests. The model is the demo's shape (64 px, default
/// CaptionerConfig) with random weights, so every caption runs to the length limit: a worst case per request.
/// </summary>
public static class ServerBench
{
    private const string Query = "?beam=3&max_length=16";
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);   // per configuration
    private const int MaxRequests = 600;                                   // per configuration

    public static void Run() => RunAsync().GetAwaiter().GetResult();

    private static async Task RunAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "spotlight-server-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (modelPath, images) = MakeModel(dir);
            using var backend = CaptionModelBackend.Load(modelPath);
            Console.WriteLine($"model {backend.Info.Id}: {backend.Info.Preprocessing.Size} px, {backend.Info.VocabularySize} words; query {Query}; " +
                $"{Environment.ProcessorCount} cores, libtorch threads {torch.get_num_threads()}");
            var results = new Dictionary<(int Concurrency, bool Batching), Measurement>();
            foreach (int concurrency in new[] { 1, 4, 16 })
                foreach (bool batching in new[] { false, true })
                {
                    var options = new ServerOptions { MaxBatch = batching ? 16 : 1, MaxWaitMs = batching ? 5 : 0, MaxConcurrency = 64, MaxQueue = 256 };
                    results[(concurrency, batching)] = await Measure(backend, options, images, concurrency);
                    Console.WriteLine($"concurrency {concurrency,2}, batching {(batching ? "on " : "off")}: {results[(concurrency, batching)]}");
                }
            Console.WriteLine();
            foreach (int concurrency in new[] { 1, 4, 16 })
            {
                var (off, on) = (results[(concurrency, false)], results[(concurrency, true)]);
                Console.WriteLine($"concurrency {concurrency,2}: batching on/off throughput × {on.PerSecond / off.PerSecond:F2}, p50 × {on.P50 / off.P50:F2}, p99 × {on.P99 / off.P99:F2}");
            }
            await WorkingSet(backend, images);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
    }

    private sealed record Measurement(int Requests, double Seconds, double P50, double P99, double MeanBatch)
    {
        public double PerSecond => Requests / Seconds;
        public override string ToString() => $"{Requests} requests in {Seconds:F1} s = {PerSecond:F1} req/s, p50 {P50:F1} ms, p99 {P99:F1} ms, mean batch {MeanBatch:F2}";
    }

    private static async Task<Measurement> Measure(ICaptionBackend backend, ServerOptions options, IReadOnlyList<byte[]> images, int concurrency)
    {
        await using var server = await Start(backend, options);
        using var client = Client(server);
        await Drive(client, images, concurrency, 4 * concurrency, TimeSpan.FromSeconds(10));   // warm the connections and the JIT
        var metrics = (ServerMetrics)server.Services.GetService(typeof(ServerMetrics))!;
        var (_, sizeBefore, countBefore) = metrics.BatchSize.Snapshot();
        var clock = Stopwatch.StartNew();
        var latencies = await Drive(client, images, concurrency, MaxRequests, Budget);
        double seconds = clock.Elapsed.TotalSeconds;
        var (_, sizeAfter, countAfter) = metrics.BatchSize.Snapshot();
        await server.StopAsync();
        latencies.Sort();
        return new Measurement(latencies.Count, seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            (sizeAfter - sizeBefore) / Math.Max(1, countAfter - countBefore));
    }

    private static async Task WorkingSet(ICaptionBackend backend, IReadOnlyList<byte[]> images)
    {
        var options = new ServerOptions { MaxBatch = 16, MaxWaitMs = 5, MaxConcurrency = 64, MaxQueue = 256 };
        await using var server = await Start(backend, options);
        using var client = Client(server);
        Console.WriteLine($"\nworking set at start: {Mb(Settle())} MB");
        int done = 0;
        var clock = Stopwatch.StartNew();
        foreach (int target in new[] { 1_000, 10_000 })
        {
            done += (await Drive(client, images, 16, target - done, TimeSpan.FromMinutes(10), "?beam=1&max_length=8")).Count;
            Console.WriteLine($"working set after {done} requests: {Mb(Settle())} MB (GC heap {Mb(GC.GetTotalMemory(false))} MB), {clock.Elapsed.TotalSeconds:F0} s");
        }
        await server.StopAsync();
    }

    /// <summary>Sends requests from <paramref name="concurrency"/> loops until the count or the time is used up.</summary>
    private static async Task<List<double>> Drive(HttpClient client, IReadOnlyList<byte[]> images, int concurrency, int count, TimeSpan budget, string query = Query)
    {
        var latencies = new List<double>();
        int next = -1;
        var deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && Stopwatch.GetTimestamp() < deadline)
            {
                var content = new ByteArrayContent(images[i % images.Count]);
                content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                long started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync("/v1/captions" + query, content);
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"request failed: {(int)response.StatusCode}");
                double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies) latencies.Add(ms);
            }
        }));
        return latencies;
    }

    private static async Task<WebApplication> Start(ICaptionBackend backend, ServerOptions options)
    {
        var app = CaptionServer.Build(options with { Urls = ["http://127.0.0.1:0"] }, backend,
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var batcher = (CaptionBatcher)app.Services.GetService(typeof(CaptionBatcher))!;
        while (!batcher.IsReady) await Task.Delay(20);
        return app;
    }

    private static HttpClient Client(WebApplication app) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
    {
        BaseAddress = new Uri(app.Urls.Single()),
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>A demo-sized model with random weights and the synthetic test scenes as PNG uploads.</summary>
    private static (string ModelPath, IReadOnlyList<byte[]> Images) MakeModel(string dir)
    {
        SyntheticDataset.Generate(new SynthConfig(Train: 200, Val: 8, Test: 32, Size: 64, Seed: 3), dir);
        var dataset = CaptionDataset.Load(dir);
        var vocabulary = CaptionEncoding.BuildVocabulary(dataset.Split("train").Images.SelectMany(i => i.Captions), new TextConfig());
        torch.manual_seed(1);
        var config = new CaptionerConfig(vocabulary.Count, Encoder: new SmallCnnConfig(64));
        var network = new Captioner(config);
        network.eval();
        var path = Path.Combine(dir, "bench.spotlight");
        using (var model = new CaptionModel(network, vocabulary, new ImagePreprocessing(64))) model.Save(path);
        return (path, dataset.Split("test").Images.Select(i => File.ReadAllBytes(i.ImagePath)).ToList());
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static long Mb(long bytes) => bytes / (1024 * 1024);
}
