using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Spotlight.Captioning;
using TorchSharp;

namespace Spotlight.Server;

/// <summary>
/// Dynamic batching on one dedicated model thread. Requests are queued in a channel; the thread takes the oldest,
/// then gathers requests with the same settings (<see cref="BatchKey"/>) until it has <c>maxBatch</c> of them or
/// <c>maxWait</c> has passed since the oldest arrived, and captions them in one batched forward pass. Requests with
/// other settings wait for their own batch. It does not wait when no company is expected: every admitted request is
/// already queued, and the last batch was a single request or ended more than <c>maxWait</c> ago. So a lone client
/// pays no wait, while clients whose batch was just answered (and who are sending their next requests) are gathered
/// again instead of being split into a batch of one and the rest. Every model call (warm-up included) happens on this thread, because the
/// model is not thread-safe.
/// </summary>
public sealed class CaptionBatcher : IDisposable
{
    private readonly ICaptionBackend backend;
    private readonly int maxBatch;
    private readonly TimeSpan maxWait;
    private readonly ServerMetrics metrics;
    private readonly ILogger logger;
    private readonly Func<int> admitted;
    private readonly Channel<CaptionJob> channel = Channel.CreateUnbounded<CaptionJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread thread;
    private int queueDepth;
    private int lastBatchSize;        // model thread only
    private long lastBatchEnded;      // model thread only
    private volatile bool ready;
    private volatile string? warmUpError;

    /// <summary>Starts the model thread, which warms up first. <paramref name="admitted"/> says how many requests
    /// are admitted and may still submit a job (null: always wait the full max wait).</summary>
    public CaptionBatcher(ICaptionBackend backend, int maxBatch, TimeSpan maxWait, ServerMetrics metrics, ILogger logger, Func<int>? admitted = null)
    {
        this.admitted = admitted ?? (() => int.MaxValue);
        this.backend = backend;
        this.maxBatch = maxBatch;
        this.maxWait = maxWait;
        this.metrics = metrics;
        this.logger = logger;
        thread = new Thread(Run) { IsBackground = true, Name = "spotlight-model" };
        thread.Start();
    }

    /// <summary>True once the warm-up decode has finished.</summary>
    public bool IsReady => ready;
    public string? WarmUpError => warmUpError;
    public int QueueDepth => Volatile.Read(ref queueDepth);

    /// <summary>Queues one preprocessed image; completes when its batch has been decoded.</summary>
    public Task<BatchedCaption> SubmitAsync(float[] chw, BatchKey key, string source, CancellationToken cancel)
    {
        var job = new CaptionJob(chw, key, source, cancel);
        Interlocked.Increment(ref queueDepth);
        if (!channel.Writer.TryWrite(job))
        {
            Interlocked.Decrement(ref queueDepth);
            throw new ProblemException(Problems.ShuttingDown, "the model thread has stopped; the server is shutting down");
        }
        return job.Task;
    }

    private void Run()
    {
        WarmUp();
        var pending = new List<CaptionJob>();
        while (true)
        {
            Drain(pending);
            if (pending.Count == 0)
            {
                if (!WaitForJob(Timeout.InfiniteTimeSpan) && channel.Reader.Completion.IsCompleted) return;
                continue;
            }
            var first = pending[0];
            var deadline = first.EnqueuedAt + (long)(maxWait.TotalSeconds * Stopwatch.Frequency);
            while (pending.Count(j => j.Key == first.Key) < maxBatch && CompanyExpected(pending.Count))
            {
                long now = Stopwatch.GetTimestamp();
                if (now >= deadline || !WaitForJob(Stopwatch.GetElapsedTime(now, deadline))) break;
                Drain(pending);
            }
            var batch = pending.Where(j => j.Key == first.Key).Take(maxBatch).ToList();
            pending.RemoveAll(batch.Contains);
            RunBatch(batch);
        }
    }

    private bool CompanyExpected(int queued) =>
        admitted() > queued
        || (lastBatchSize > 1 && Stopwatch.GetElapsedTime(lastBatchEnded) < maxWait);

    private void Drain(List<CaptionJob> pending)
    {
        while (channel.Reader.TryRead(out var job))
        {
            Interlocked.Decrement(ref queueDepth);
            if (job.Cancel.IsCancellationRequested) job.Cancelled();   // its request gave up while it was queued
            else pending.Add(job);
        }
    }

    /// <summary>Blocks this thread until a job is readable (true) or the wait ends without one (false).</summary>
    private bool WaitForJob(TimeSpan timeout)
    {
        var wait = channel.Reader.WaitToReadAsync();
        if (wait.IsCompleted) return wait.Result;
        var task = wait.AsTask();
        return task.Wait(timeout) && task.Result;
    }

    private void RunBatch(List<CaptionJob> batch)
    {
        batch.RemoveAll(job =>
        {
            if (!job.Cancel.IsCancellationRequested) return false;
            job.Cancelled();
            return true;
        });
        if (batch.Count == 0) return;
        long started = Stopwatch.GetTimestamp();
        try
        {
            var key = batch[0].Key;
            var (results, layers) = Decode(batch.Select(j => j.Chw).ToList(), batch.Select(j => j.Source).ToList(), key);
            var decode = Stopwatch.GetElapsedTime(started);
            (lastBatchSize, lastBatchEnded) = (batch.Count, Stopwatch.GetTimestamp());
            metrics.ObserveBatch(batch.Count, decode.TotalSeconds);
            for (int i = 0; i < batch.Count; i++)
                batch[i].Complete(new BatchedCaption(results[i], Stopwatch.GetElapsedTime(batch[i].EnqueuedAt, started), decode, batch.Count, layers?[i]));
        }
        catch (Exception e)
        {
            // A failing batch answers its own requests with 500s; the thread and the server carry on.
            logger.LogError(e, "batch of {Count} failed", batch.Count);
            foreach (var job in batch) job.Fail(e);
        }
    }

    private (IReadOnlyList<CaptionResult> Results, IReadOnlyList<float[][][][]?>? Layers) Decode(IReadOnlyList<float[]> images, IReadOnlyList<string> sources, BatchKey key)
    {
        int size = backend.Info.Preprocessing.Size, plane = 3 * size * size;
        var data = new float[images.Count * plane];
        for (int i = 0; i < images.Count; i++) images[i].CopyTo(data, i * plane);
        using var scope = torch.NewDisposeScope();
        var tensor = torch.tensor(data, [images.Count, 3, size, size]);                // (batch, 3, S, S)
        var results = backend.Caption(tensor, sources, key.Options with { BatchSize = images.Count });
        return (results, key.LayerMaps ? backend.LayerMaps(tensor, results) : null);
    }

    /// <summary>One decode of a blank image, so the first real request does not pay for libtorch's start-up.</summary>
    private void WarmUp()
    {
        try
        {
            int size = backend.Info.Preprocessing.Size;
            Decode([new float[3 * size * size]], ["warm-up"], new BatchKey(new CaptionOptions(Beam: 1, MaxLength: 2), 0));
            ready = true;
            logger.LogInformation("model {Model} is warmed up and ready", backend.Info.Id);
        }
        catch (Exception e)
        {
            warmUpError = e.Message;
            logger.LogError(e, "warm-up decode failed; /readyz stays 503");
        }
    }

    /// <summary>Stops taking jobs, lets the thread finish the queued ones, and waits for it.</summary>
    public void Dispose()
    {
        channel.Writer.TryComplete();
        if (!thread.Join(TimeSpan.FromSeconds(30))) logger.LogWarning("the model thread did not stop within 30 s");
    }
}
