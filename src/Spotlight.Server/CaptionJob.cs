using System.Diagnostics;
using Spotlight.Captioning;

namespace Spotlight.Server;

/// <summary>A caption and where its time went: waiting for a batch, and the batch's decode.</summary>
public sealed record BatchedCaption(CaptionResult Result, TimeSpan Queue, TimeSpan Decode, int BatchSize, float[][][][]? Layers = null);

/// <summary>One image waiting for the model thread. Completed there; awaited by its request.</summary>
internal sealed class CaptionJob(float[] chw, BatchKey key, string source, CancellationToken cancel)
{
    // Continuations run on the thread pool, never on the model thread.
    private readonly TaskCompletionSource<BatchedCaption> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public float[] Chw { get; } = chw;
    public BatchKey Key { get; } = key;
    public string Source { get; } = source;
    public CancellationToken Cancel { get; } = cancel;
    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();
    public Task<BatchedCaption> Task => completion.Task;

    public void Complete(BatchedCaption caption) => completion.TrySetResult(caption);
    public void Fail(Exception error) => completion.TrySetException(error);
    public void Cancelled() => completion.TrySetCanceled(Cancel);
}
