using Spotlight.Captioning;
using Spotlight.Server;
using static TorchSharp.torch;

namespace Spotlight.Tests.Server;

/// <summary>
/// The real model behind a gate the test opens and closes, so a request can be held inside the model thread while
/// the test looks at queues, limits and shutdown. Records the size of every batch it sees.
/// </summary>
public sealed class GatedBackend(ICaptionBackend inner) : ICaptionBackend
{
    private readonly ManualResetEventSlim open = new(true);
    private readonly SemaphoreSlim entered = new(0);
    private readonly List<int> batches = [];

    public ModelInfo Info => inner.Info;

    public IReadOnlyList<int> BatchSizes
    {
        get { lock (batches) return [.. batches]; }
    }

    public void Close() => open.Reset();
    public void Open() => open.Set();

    /// <summary>Waits until the model thread is inside <see cref="Caption"/> (held by the gate when it is closed).</summary>
    public Task<bool> EnteredAsync() => entered.WaitAsync(TimeSpan.FromSeconds(10));

    public IReadOnlyList<CaptionResult> Caption(Tensor images, IReadOnlyList<string> sources, CaptionOptions options)
    {
        lock (batches) batches.Add((int)images.shape[0]);
        if (!open.IsSet) entered.Release();   // only calls the gate holds are announced (not the open warm-up)
        if (!open.Wait(TimeSpan.FromSeconds(20))) throw new TimeoutException("the test never opened the gate");
        return inner.Caption(images, sources, options);
    }
}

/// <summary>A backend whose decode always throws, as a bug in the model code would.</summary>
public sealed class ThrowingBackend(ICaptionBackend inner) : ICaptionBackend
{
    public ModelInfo Info => inner.Info;
    public bool FailWarmUp { get; init; }
    public int Calls;

    public IReadOnlyList<CaptionResult> Caption(Tensor images, IReadOnlyList<string> sources, CaptionOptions options)
    {
        if (Interlocked.Increment(ref Calls) == 1 && !FailWarmUp) return inner.Caption(images, sources, options);
        throw new InvalidOperationException("simulated failure inside the model");
    }
}
